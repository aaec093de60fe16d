using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator.Tests.Support;

/// <summary>Raw TMELCOM packets on an endpoint: what a client that builds its own packets (or a hostile one) sends.</summary>
internal static class RawTmelcom
{
    public static byte[] Packet(TmelcomPacket packet)
    {
        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(packet, bytes);
        return bytes;
    }

    public static async Task<TmelcomPacket> ExchangeAsync(RpmsgEndpoint raw, byte[] request, CancellationToken ct)
    {
        await raw.SendAsync(request, ct);
        using RpmsgMessage reply = await raw.ReceiveAsync(ct);
        Assert.Equal(TmelcomPacket.Size, reply.Length);
        return TmelcomPacket.Decode(reply.Span);
    }

    public static Task<TmelcomPacket> ExchangeAsync(RpmsgEndpoint raw, TmelcomPacket request, CancellationToken ct) => ExchangeAsync(raw, Packet(request), ct);

    /// <summary>The struct an inline reply carries, <paramref name="size"/> bytes.</summary>
    public static byte[] InlineStruct(TmelcomPacket reply, int size)
    {
        Assert.Equal(0, reply.Response);
        Assert.Equal(TmelcomIpcType.MailboxOnly, reply.IpcType);
        byte[] bytes = new byte[TmelcomPacket.MaxInlineLength];
        reply.CopyInlineMessageTo(bytes);
        return bytes[..size];
    }
}
