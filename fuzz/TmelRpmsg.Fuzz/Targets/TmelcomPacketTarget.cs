using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.Tmelcom;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The 24-byte TMELCOM packet: <see cref="TmelcomPacket.Decode"/> throws only <see cref="RpmsgProtocolException"/>; a packet
/// it accepts encodes back to a packet that decodes to the same value, and its accessors for its own form do not throw.
/// </summary>
internal sealed class TmelcomPacketTarget : FuzzTarget
{
    public override string Name => "tmelcom-packet";

    public override void Run(ReadOnlySpan<byte> input)
    {
        TmelcomPacket packet;
        try
        {
            packet = TmelcomPacket.Decode(input);
        }
        catch (RpmsgProtocolException)
        {
            return;
        }

        Span<byte> encoded = stackalloc byte[TmelcomPacket.Size];
        FuzzInvariantException.Check(TmelcomPacket.Encode(packet, encoded) == TmelcomPacket.Size, "a packet did not encode to 24 bytes");
        FuzzInvariantException.Check(TmelcomPacket.Decode(encoded) == packet, "a decoded packet did not survive a round trip");
        if (packet.IpcType == TmelcomIpcType.MailboxOnly)
        {
            Span<byte> message = stackalloc byte[TmelcomPacket.MaxInlineLength];
            FuzzInvariantException.Check(packet.CopyInlineMessageTo(message) == packet.MessageLength, "the inline message length is off");
        }
        else
        {
            _ = packet.PayloadAddress;
            FuzzInvariantException.Check(packet.PayloadLength <= TmelcomPacket.MaxSramLength, "an SRAM payload length above 168 was accepted");
        }

        try
        {
            packet.ThrowIfFailed();
        }
        catch (TmelServiceException)
        {
        }
    }
}
