using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of GET_STATE (tmelcom-services.md §3.1: state 0, pdata 4, length 8, length_used 12, status 16).</summary>
public class GetStateMessageTests
{
    private const string RequestHex =
        "00000000" + //  0 state        0
        "00200020" + //  4 pdata        0x20002000
        "80000000" + //  8 length       128
        "00000000" + // 12 length_used  0 (preset)
        "01000000";  // 16 status       1 (preset)

    [Fact]
    public void Encode_Request_MatchesGoldenBytes_AndTheSheetsPacketByte()
    {
        byte[] message = new byte[GetStateMessage.MessageSize];
        GetStateMessage.Encode(GetStateMessage.CreateRequest(new TmelcomBuffer(0x20002000, 128)), message);
        Assert.Equal(RequestHex, Convert.ToHexString(message));
        byte[] packet = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(GetStateMessage.Uid, message), packet);
        Assert.Equal(0x28, packet[0]); // §2.1: "GET_STATE (20 bytes, inline) gives 0x28"
    }

    [Fact]
    public void Decode_Reply_ReadsEveryField() =>
        Assert.Equal(
            new GetStateMessage(3, new TmelcomBuffer(0x20002000, 128), 26, 0),
            GetStateMessage.Decode(Convert.FromHexString("03000000" + "00200020" + "80000000" + "1A000000" + "00000000")));

    [Fact]
    public void Decode_WrongLength_ThrowsProtocolException() =>
        Assert.Throws<RpmsgProtocolException>(() => GetStateMessage.Decode(new byte[16]));
}
