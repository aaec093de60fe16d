using CsCheck;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>
/// Golden bytes of the 44-byte SEC_AUTH struct (services.md §4.2 / qmp-rfc.md §5.4 offsets: sw_id 0, elf_buf 4, region_list 12,
/// relocate 20, response 24..43), derived by hand.
/// </summary>
public class SecAuthRequestTests
{
    internal const string RequestHex =
        "0C000000" + // 0  sw_id               0x0000000C
        "0010208F" + // 4  elf_buf.buf         0x8F201000
        "740A0000" + // 8  elf_buf.buf_len     0x00000A74 (2676)
        "0020208F" + // 12 region_list.buf     0x8F202000
        "10000000" + // 16 region_list.buf_len 16 (two regions)
        "01000000";  // 20 relocate            1

    internal const string EmptyResponseHex =
        "00000000" + // 24 first_seg_addr
        "00000000" + // 28 first_seg_len
        "00000000" + // 32 entry_addr
        "00000000" + // 36 extended_error
        "00000000";  // 40 status

    private static readonly SecAuthRequest s_request = new(
        SwId: 0x0C,
        ElfBuffer: new TmelcomBuffer(0x8F201000, 0xA74),
        RegionList: new TmelcomBuffer(0x8F202000, 16),
        Relocate: 1);

    [Fact]
    public void Sizes_AreTheRfcStructs()
    {
        Assert.Equal(44, SecAuthRequest.MessageSize);
        Assert.Equal(24, SecAuthRequest.RequestSize);
        Assert.Equal(SecAuthRequest.MessageSize, SecAuthRequest.RequestSize + SecAuthResponse.Size);
        Assert.Equal(TmelcomUid.SecAuth, SecAuthRequest.Uid);
        Assert.Equal(TmelcomIpcType.Sram, TmelcomPacket.SelectIpcType(SecAuthRequest.MessageSize));
    }

    [Fact]
    public void Encode_MatchesGoldenBytes_WithZeroResponseWords()
    {
        byte[] buffer = Enumerable.Repeat((byte)0xEE, 44).ToArray();
        Assert.Equal(44, SecAuthRequest.Encode(s_request, buffer));
        Assert.Equal(RequestHex + EmptyResponseHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField()
    {
        SecAuthRequest request = SecAuthRequest.Decode(Convert.FromHexString(RequestHex + EmptyResponseHex));
        Assert.Equal(s_request, request);
        Assert.Equal(0x8F201A74ul, request.ElfBuffer.End);
        Assert.False(request.RegionList.IsNone);
    }

    [Fact]
    public void Decode_IgnoresWhatTheResponseWordsHold()
    {
        byte[] bytes = Convert.FromHexString(RequestHex + EmptyResponseHex);
        bytes.AsSpan(24).Fill(0xA5);
        Assert.Equal(s_request, SecAuthRequest.Decode(bytes));
    }

    [Fact]
    public void Decode_RfcRequest_HasNoRegionListAndNoRelocation()
    {
        // qmp-rfc.md §5.4: Linux fills only sw_id and elf_buf.
        byte[] bytes = Convert.FromHexString("19000000" + "0010208F" + "740A0000" + "00000000" + "00000000" + "00000000" + EmptyResponseHex);
        SecAuthRequest request = SecAuthRequest.Decode(bytes);
        Assert.True(request.RegionList.IsNone);
        Assert.Equal(0u, request.Relocate);
        Assert.Equal(0x19u, request.SwId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(24)]
    [InlineData(43)]
    [InlineData(45)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<Rpmsg.Core.RpmsgProtocolException>(() => SecAuthRequest.Decode(new byte[length]));

    [Fact]
    public void Encode_ShortDestination_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAuthRequest.Encode(s_request, new byte[43]));

    private static readonly Gen<TmelcomBuffer> s_buffer = Gen.Select(Gen.UInt, Gen.UInt, (address, length) => new TmelcomBuffer(address, length));

    internal static readonly Gen<SecAuthRequest> Requests = Gen.Select(Gen.UInt, s_buffer, s_buffer, Gen.UInt, (swId, elf, regions, relocate) => new SecAuthRequest(swId, elf, regions, relocate));

    [Fact]
    public void EncodeThenDecode_RoundTrips() =>
        Requests.Sample(request =>
        {
            byte[] buffer = new byte[44];
            SecAuthRequest.Encode(request, buffer);
            return SecAuthRequest.Decode(buffer) == request && SecAuthResponse.Decode(buffer) == default;
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedRequestsReEncode() =>
        DecoderProperty.Check(
            DecoderProperty.ArbitraryBytes(SecAuthRequest.MessageSize, Convert.FromHexString(RequestHex + EmptyResponseHex)),
            bytes => SecAuthRequest.Decode(bytes),
            (bytes, request) =>
            {
                byte[] again = new byte[44];
                SecAuthRequest.Encode(request, again);
                return bytes.Length == 44 && again.AsSpan(0, 24).SequenceEqual(bytes.AsSpan(0, 24));
            });
}
