using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of FUSE_READ_MULTIPLE_ROW (tmelcom-services.md §3.2: status 0, buf 4, buf_len 8, out_buf_len 12; entry fuse_addr 0, lsb 4, msb 8).</summary>
public class FuseReadMessageTests
{
    private const string RequestHex =
        "01000000" + //  0 status       1 (preset GENERIC)
        "00100020" + //  4 buf          0x20001000
        "18000000" + //  8 buf_len      24 (two entries)
        "00000000";  // 12 out_buf_len  0

    private const string EntriesHex =
        "E0000A00" + "82000500" + "34120000" + // fuse_addr 0xA00E0, lsb 0x00050082, msb 0x00001234
        "F8000A00" + "DDCCBBAA" + "44332211";  // fuse_addr 0xA00F8, lsb 0xAABBCCDD, msb 0x11223344

    [Fact]
    public void Encode_Request_MatchesGoldenBytes_InAnInlinePacket()
    {
        byte[] message = new byte[FuseReadMessage.MessageSize];
        Assert.Equal(16, FuseReadMessage.Encode(FuseReadMessage.CreateRequest(new TmelcomBuffer(0x20001000, 24)), message));
        Assert.Equal(RequestHex, Convert.ToHexString(message));
        byte[] packet = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(FuseReadMessage.Uid, message), packet);
        Assert.Equal("20" + "03" + "06" + "00" + RequestHex + "00000000", Convert.ToHexString(packet)); // byte 0 = 0 | 16 << 1
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField() =>
        Assert.Equal(new FuseReadMessage(1, new TmelcomBuffer(0x20001000, 24), 0), FuseReadMessage.Decode(Convert.FromHexString(RequestHex)));

    [Fact]
    public void EntryList_RoundTripsGoldenBytes()
    {
        FuseEntry[] entries = [new(0xA00E0, 0x00050082, 0x1234), new(0xA00F8, 0xAABBCCDD, 0x11223344)];
        byte[] bytes = new byte[24];
        Assert.Equal(24, FuseEntry.EncodeList(entries, bytes));
        Assert.Equal(EntriesHex, Convert.ToHexString(bytes));
        Assert.Equal(entries, FuseEntry.DecodeList(Convert.FromHexString(EntriesHex)));
        Assert.Equal(0x11223344AABBCCDDUL, entries[1].Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(20)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<RpmsgProtocolException>(() => FuseReadMessage.Decode(new byte[length]));

    [Fact]
    public void DecodeList_NotAMultipleOfTwelve_ThrowsProtocolException() =>
        Assert.Throws<RpmsgProtocolException>(() => FuseEntry.DecodeList(new byte[13]));
}
