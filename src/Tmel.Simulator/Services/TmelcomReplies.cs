using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>How the simulated TME-L answers a packet it cannot or will not serve (docs/image-auth.md, "Status table").</summary>
internal static class TmelcomReplies
{
    /// <summary>
    /// BAD_MESSAGE for bytes that are no TMELCOM packet (not 24 bytes, or a form the codec rejects): an inline packet with
    /// <c>msg_len</c> 0 that repeats the request's <c>msg_type</c> and <c>action_id</c> where there are any.
    /// </summary>
    public static void BadMessage(ReadOnlySpan<byte> request, Span<byte> reply)
    {
        ushort uid = request.Length >= 3 ? TmelcomUid.Create(request[1], request[2]) : (ushort)0;
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(uid, [], (sbyte)TmelStatus.BadMessage), reply);
    }

    /// <summary>The request packet itself with its <c>response</c> byte set: a refusal in the request's own form.</summary>
    public static void Refuse(TmelcomPacket request, TmelStatus status, Span<byte> reply) =>
        TmelcomPacket.Encode(request.WithResponse((sbyte)status), reply);

    /// <summary>Decodes a request, or writes BAD_MESSAGE and returns <see langword="false"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> request, Span<byte> reply, out TmelcomPacket packet)
    {
        packet = default;
        if (request.Length != TmelcomPacket.Size)
        {
            BadMessage(request, reply);
            return false;
        }

        try
        {
            packet = TmelcomPacket.Decode(request);
            return true;
        }
        catch (Rpmsg.Core.RpmsgProtocolException)
        {
            BadMessage(request, reply);
            return false;
        }
    }
}
