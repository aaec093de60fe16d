using CsCheck;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of the 12-byte SS_TEAR_DOWN struct (services.md §4.2: sw_id 0, secondary_sw_id 4, status 8), derived by hand.</summary>
public class TearDownRequestTests
{
    internal const string RequestHex =
        "4D3C2B1A" + // 0 sw_id           0x1A2B3C4D
        "00000000" + // 4 secondary_sw_id 0
        "01000000";  // 8 status          1, preset TMEL_ERROR_GENERIC

    [Fact]
    public void Sizes_AreTheRfcStructs()
    {
        Assert.Equal(12, TearDownRequest.MessageSize);
        Assert.Equal(8, TearDownRequest.RequestSize);
        Assert.Equal(TearDownRequest.MessageSize, TearDownRequest.RequestSize + TearDownResponse.Size);
        Assert.Equal(TmelcomUid.TearDown, TearDownRequest.Uid);
        Assert.Equal(TmelcomIpcType.MailboxOnly, TmelcomPacket.SelectIpcType(TearDownRequest.MessageSize));
    }

    [Fact]
    public void Encode_MatchesGoldenBytes_WithStatusPresetToGeneric()
    {
        byte[] buffer = Enumerable.Repeat((byte)0xEE, 12).ToArray();
        Assert.Equal(12, TearDownRequest.Encode(new TearDownRequest(0x1A2B3C4D), buffer));
        Assert.Equal(RequestHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Encode_InAnInlinePacket_MatchesTheRfcWords()
    {
        // qmp-rfc.md §8: TEAR_DOWN words 0x000A0018, S, 0x00000000, 0x00000001, 0, 0.
        byte[] message = new byte[TearDownRequest.MessageSize];
        TearDownRequest.Encode(new TearDownRequest(0x1A2B3C4D), message);
        byte[] packet = new byte[24];
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(TearDownRequest.Uid, message), packet);
        Assert.Equal("18000A00" + "4D3C2B1A" + "00000000" + "01000000" + "00000000" + "00000000", Convert.ToHexString(packet));
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField() =>
        Assert.Equal(new TearDownRequest(0x1A2B3C4D, 0), TearDownRequest.Decode(Convert.FromHexString(RequestHex)));

    [Fact]
    public void Decode_SecondarySwId_IsKept() =>
        Assert.Equal(new TearDownRequest(1, 2), TearDownRequest.Decode(Convert.FromHexString("01000000" + "02000000" + "00000000")));

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(20)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<Rpmsg.Core.RpmsgProtocolException>(() => TearDownRequest.Decode(new byte[length]));

    [Fact]
    public void Encode_ShortDestination_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TearDownRequest.Encode(default, new byte[11]));

    internal static readonly Gen<TearDownRequest> Requests = Gen.Select(Gen.UInt, Gen.UInt, (swId, secondary) => new TearDownRequest(swId, secondary));

    [Fact]
    public void EncodeThenDecode_RoundTrips_ThroughAnInlinePacket() =>
        Requests.Sample(request =>
        {
            byte[] message = new byte[12];
            TearDownRequest.Encode(request, message);
            byte[] wire = new byte[24];
            TmelcomPacket.Encode(TmelcomPacket.CreateInline(TearDownRequest.Uid, message), wire);

            TmelcomPacket packet = TmelcomPacket.Decode(wire);
            byte[] received = new byte[packet.MessageLength];
            packet.CopyInlineMessageTo(received);
            return packet.Uid == TmelcomUid.TearDown
                && TearDownRequest.Decode(received) == request
                && TearDownResponse.Decode(received).Status == TearDownRequest.PresetStatus;
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedRequestsReEncode() =>
        DecoderProperty.Check(
            DecoderProperty.ArbitraryBytes(TearDownRequest.MessageSize, Convert.FromHexString(RequestHex)),
            bytes => TearDownRequest.Decode(bytes),
            (bytes, request) =>
            {
                byte[] again = new byte[12];
                TearDownRequest.Encode(request, again);
                return bytes.Length == 12 && again.AsSpan(0, 8).SequenceEqual(bytes.AsSpan(0, 8));
            });
}
