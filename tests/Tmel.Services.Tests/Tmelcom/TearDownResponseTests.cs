using CsCheck;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>SS_TEAR_DOWN's response: the status word at offset 8 of the 12-byte struct, back inline in the reply packet's param[].</summary>
public class TearDownResponseTests
{
    // The reply packet for sw_id 0x1A2B3C4D that was not authenticated: response 0, status 3 (BAD_PARAMETER, services.md §1.8).
    private const string BadParameterReplyHex =
        "18" + "00" + "0A" + // byte 0 = 12 << 1 (inline), SECBOOT, SS_TEAR_DOWN
        "00" +               // response 0: TME-L ran the request
        "4D3C2B1A" +         // param[0] sw_id
        "00000000" +         // param[1] secondary_sw_id
        "03000000" +         // param[2] status 3, TMEL_ERROR_BAD_PARAMETER
        "00000000" + "00000000";

    [Fact]
    public void Encode_InPlace_WritesOnlyTheStatusWord()
    {
        byte[] message = Convert.FromHexString(TearDownRequestTests.RequestHex);
        TearDownResponse.Encode(new TearDownResponse(0), message);
        Assert.Equal("4D3C2B1A" + "00000000" + "00000000", Convert.ToHexString(message));
    }

    [Fact]
    public void EncodeIntoReplyPacket_MatchesGoldenBytes()
    {
        byte[] message = Convert.FromHexString(TearDownRequestTests.RequestHex);
        TearDownResponse.Encode(new TearDownResponse(3), message);
        byte[] wire = new byte[24];
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(TmelcomUid.TearDown, message), wire);
        Assert.Equal(BadParameterReplyHex, Convert.ToHexString(wire));
    }

    [Fact]
    public void DecodeFromReplyPacket_ThrowsBadParameter()
    {
        TmelcomPacket reply = TmelcomPacket.Decode(Convert.FromHexString(BadParameterReplyHex));
        reply.ThrowIfFailed(); // the response byte is 0: the failure is in the struct
        byte[] message = new byte[reply.MessageLength];
        reply.CopyInlineMessageTo(message);

        TearDownResponse response = TearDownResponse.Decode(message);
        Assert.Equal(3u, response.Status);
        Assert.False(response.IsSuccess);
        var e = Assert.Throws<TmelServiceException>(response.ThrowIfFailed);
        Assert.Equal((TmelcomUid.TearDown, TmelStatus.BadParameter, 0u), (e.Uid, e.Status, e.ExtendedError));
    }

    [Fact]
    public void Decode_StatusZero_IsSuccess()
    {
        TearDownResponse response = TearDownResponse.Decode(Convert.FromHexString("4D3C2B1A" + "00000000" + "00000000"));
        Assert.True(response.IsSuccess);
        response.ThrowIfFailed();
    }

    [Fact]
    public void Decode_UntouchedPreset_IsAGenericFailure()
    {
        // A reply that never wrote status still holds the requester's preset.
        var e = Assert.Throws<TmelServiceException>(TearDownResponse.Decode(Convert.FromHexString(TearDownRequestTests.RequestHex)).ThrowIfFailed);
        Assert.Equal(TmelStatus.Generic, e.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(11)]
    [InlineData(13)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<Rpmsg.Core.RpmsgProtocolException>(() => TearDownResponse.Decode(new byte[length]));

    [Fact]
    public void Encode_ShortMessage_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TearDownResponse.Encode(default, new byte[11]));

    [Fact]
    public void EncodeInPlace_RoundTrips_AndLeavesTheRequestIntact() =>
        Gen.Select(TearDownRequestTests.Requests, Gen.UInt).Sample((request, status) =>
        {
            byte[] message = new byte[12];
            TearDownRequest.Encode(request, message);
            TearDownResponse.Encode(new TearDownResponse(status), message);
            return TearDownResponse.Decode(message).Status == status && TearDownRequest.Decode(message) == request;
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedResponsesReEncode() =>
        DecoderProperty.Check(
            DecoderProperty.ArbitraryBytes(TearDownRequest.MessageSize, Convert.FromHexString(TearDownRequestTests.RequestHex)),
            bytes => TearDownResponse.Decode(bytes),
            (bytes, response) =>
            {
                byte[] again = (byte[])bytes.Clone();
                again.AsSpan(8).Clear();
                TearDownResponse.Encode(response, again);
                return bytes.Length == 12 && again.AsSpan().SequenceEqual(bytes);
            });
}
