using CsCheck;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of SEC_AUTH's response half, written by TME-L in place at offsets 24..43 of the 44-byte struct (services.md §4.2).</summary>
public class SecAuthResponseTests
{
    private const string SuccessResponseHex =
        "0000B04A" + // 24 first_seg_addr 0x4AB00000
        "40230100" + // 28 first_seg_len  0x00012340
        "0001B04A" + // 32 entry_addr     0x4AB00100
        "00000000" + // 36 extended_error 0
        "00000000";  // 40 status         0

    private const string HashMismatchResponseHex =
        "00000000" + // 24 first_seg_addr
        "00000000" + // 28 first_seg_len
        "00000000" + // 32 entry_addr
        "030A0000" + // 36 extended_error 0x00000A03 (services.md §1.8 step 9, segment 3)
        "01000000";  // 40 status         1 TMEL_ERROR_GENERIC

    [Fact]
    public void Encode_Success_WritesOnlyTheResponseHalf()
    {
        byte[] message = Convert.FromHexString(SecAuthRequestTests.RequestHex + SecAuthRequestTests.EmptyResponseHex);
        SecAuthResponse.Encode(new SecAuthResponse(0x4AB00000, 0x12340, 0x4AB00100, 0, 0), message);
        Assert.Equal(SecAuthRequestTests.RequestHex + SuccessResponseHex, Convert.ToHexString(message));
    }

    [Fact]
    public void Encode_Failure_MatchesGoldenBytes()
    {
        byte[] message = Convert.FromHexString(SecAuthRequestTests.RequestHex + SuccessResponseHex);
        SecAuthResponse.Encode(new SecAuthResponse(0, 0, 0, 0xA03, 1), message);
        Assert.Equal(SecAuthRequestTests.RequestHex + HashMismatchResponseHex, Convert.ToHexString(message));
    }

    [Fact]
    public void Decode_Success_ReadsEveryField()
    {
        SecAuthResponse response = SecAuthResponse.Decode(Convert.FromHexString(SecAuthRequestTests.RequestHex + SuccessResponseHex));
        Assert.Equal(new SecAuthResponse(0x4AB00000, 0x12340, 0x4AB00100, 0, 0), response);
        Assert.True(response.IsSuccess);
        response.ThrowIfFailed();
    }

    [Fact]
    public void Decode_Failure_ThrowsWithStatusAndExtendedError()
    {
        SecAuthResponse response = SecAuthResponse.Decode(Convert.FromHexString(SecAuthRequestTests.RequestHex + HashMismatchResponseHex));
        Assert.False(response.IsSuccess);

        var e = Assert.Throws<TmelServiceException>(response.ThrowIfFailed);
        Assert.Equal(TmelcomUid.SecAuth, e.Uid);
        Assert.Equal(TmelStatus.Generic, e.Status);
        Assert.Equal(1, e.RawStatus);
        Assert.Equal(0xA03u, e.ExtendedError);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, e.Origin);
    }

    [Fact]
    public void ThrowIfFailed_StatusZeroButExtendedError_IsAFailure()
    {
        // qmp-rfc.md §5.4: SEC_AUTH fails if response != 0, else if status != 0, else if extended_error != 0.
        var e = Assert.Throws<TmelServiceException>(new SecAuthResponse(0, 0, 0, ExtendedError: 7, Status: 0).ThrowIfFailed);
        Assert.Equal(TmelStatus.Success, e.Status);
        Assert.Equal(7u, e.ExtendedError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(43)]
    [InlineData(45)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<Rpmsg.Core.RpmsgProtocolException>(() => SecAuthResponse.Decode(new byte[length]));

    [Fact]
    public void Encode_ShortMessage_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAuthResponse.Encode(default, new byte[43]));

    private static readonly Gen<SecAuthResponse> s_responses = Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt, (a, l, e, x, s) => new SecAuthResponse(a, l, e, x, s));

    [Fact]
    public void EncodeInPlace_RoundTrips_AndLeavesTheRequestIntact() =>
        Gen.Select(SecAuthRequestTests.Requests, s_responses).Sample((request, response) =>
        {
            byte[] message = new byte[44];
            SecAuthRequest.Encode(request, message);
            SecAuthResponse.Encode(response, message);
            return SecAuthResponse.Decode(message) == response && SecAuthRequest.Decode(message) == request;
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedResponsesReEncode() =>
        DecoderProperty.Check(
            DecoderProperty.ArbitraryBytes(SecAuthRequest.MessageSize, Convert.FromHexString(SecAuthRequestTests.RequestHex + HashMismatchResponseHex)),
            bytes => SecAuthResponse.Decode(bytes),
            (bytes, response) =>
            {
                byte[] again = (byte[])bytes.Clone();
                again.AsSpan(24).Clear();
                SecAuthResponse.Encode(response, again);
                return bytes.Length == 44 && again.AsSpan().SequenceEqual(bytes);
            });
}
