using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Internal;

/// <summary>An inline TMELCOM request on a held lane turn: the struct goes in the packet, the answered struct comes back in the reply.</summary>
internal static class InlineExchange
{
    /// <summary>Sends <paramref name="message"/> inline and returns the reply's copy of the struct (exactly <c>message.Length</c> bytes).</summary>
    /// <exception cref="TmelServiceException">The reply's <c>response</c> byte is not 0.</exception>
    /// <exception cref="RpmsgProtocolException">The reply is not an inline packet carrying at least the struct.</exception>
    public static async Task<byte[]> ExchangeAsync(RequestLane.Turn turn, ushort uid, byte[] message, RequestBuffers? buffers, CancellationToken cancellationToken)
    {
        TmelcomPacket reply = await TmelcomExchange.ExchangeAsync(turn, TmelcomPacket.CreateInline(uid, message), buffers, cancellationToken).ConfigureAwait(false);
        reply.ThrowIfFailed();
        if (reply.IpcType != TmelcomIpcType.MailboxOnly || reply.MessageLength < message.Length)
        {
            throw new RpmsgProtocolException($"The {TmelcomUid.Describe(uid)} reply is not an inline packet carrying the {message.Length}-byte struct: {reply}.");
        }

        byte[] answer = new byte[TmelcomPacket.MaxInlineLength];
        reply.CopyInlineMessageTo(answer);
        return answer[..message.Length];
    }

    /// <summary>Throws when a struct's <c>status</c> is not 0.</summary>
    /// <exception cref="TmelServiceException"><paramref name="status"/> is not 0.</exception>
    public static void ThrowIfFailed(ushort uid, uint status) => TmelStatusTable.ThrowIfFailed(uid, status, extendedError: 0);

    /// <summary>Throws when TME-L reports more bytes written than the buffer holds (tmelcom-services.md §5.3 rule 5).</summary>
    /// <exception cref="RpmsgProtocolException"><paramref name="used"/> exceeds <paramref name="capacity"/>.</exception>
    public static void CheckUsed(ushort uid, uint used, int capacity)
    {
        if (used > (uint)capacity)
        {
            throw new RpmsgProtocolException($"The {TmelcomUid.Describe(uid)} reply reports {used} bytes written into a {capacity}-byte buffer.");
        }
    }
}
