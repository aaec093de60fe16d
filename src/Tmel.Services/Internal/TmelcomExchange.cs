using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Internal;

/// <summary>
/// TMELCOM requests on a <see cref="RequestLane"/>: send the 24-byte packet, return the packet that answers it. One
/// exchange runs at a time (<see cref="RequestLane.EnterAsync"/>); an abandoned one can never answer a later one.
/// </summary>
/// <remarks>
/// TMELCOM carries no request id. The lane guarantees that only this request's reply can reach its address; on top of
/// that a reply must name the request's UID and, when both are pointer packets, the request's pointer and length
/// (tmelcom-services.md §5.3 rule 1). Anything else is dropped and logged.
/// </remarks>
internal static class TmelcomExchange
{
    /// <summary>Sends <paramref name="request"/> in the held <paramref name="turn"/> and returns the packet that answers it.</summary>
    /// <param name="turn">The lane's turn, held by the caller.</param>
    /// <param name="request">The packet.</param>
    /// <param name="buffers">The request's shared-memory buffers, taken over by the lane if the request is abandoned.</param>
    /// <param name="cancellationToken">Ends the call.</param>
    /// <exception cref="RpmsgTimeoutException"><see cref="RpmsgError.ResponseTimeout"/>: no answer in time.</exception>
    /// <exception cref="RpmsgProtocolException">The answer is not a TMELCOM packet.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgException">The link is down, or the send timed out.</exception>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled.</exception>
    public static async Task<TmelcomPacket> ExchangeAsync(RequestLane.Turn turn, TmelcomPacket request, RequestBuffers? buffers, CancellationToken cancellationToken)
    {
        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(request, bytes);
        using RpmsgMessage reply = await turn.RequestAsync(bytes, message => Answers(request, TmelcomPacket.Decode(message.Span)), buffers, cancellationToken).ConfigureAwait(false);
        return TmelcomPacket.Decode(reply.Span);
    }

    private static bool Answers(TmelcomPacket request, TmelcomPacket reply) =>
        reply.Uid == request.Uid
        && (reply.IpcType != TmelcomIpcType.Sram || request.IpcType != TmelcomIpcType.Sram
            || (reply.PayloadAddress == request.PayloadAddress && reply.PayloadLength == request.PayloadLength));
}
