using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of the 60-byte SEC_AUTH_V2 struct (tmelcom-services.md §3.1 offset table).</summary>
public class SecAuthV2MessageTests
{
    private const string Hex =
        "0D000000" + //  0 sw_id                  0xD
        "00100020" + //  4 elf_buf.buf            0x20001000
        "00040000" + //  8 elf_buf.buf_len        0x400
        "00200020" + // 12 region_list.buf        0x20002000
        "01000000" + // 16 region_list.buf_len    1
        "00000000" + // 20 relocate               0
        "01000000" + // 24 flags                  ns_integrity_check
        "EFBEADDE" + // 28 reserved_buf.buf       0xDEADBEEF (stack garbage)
        "BEBAFECA" + // 32 reserved_buf.buf_len   0xCAFEBABE
        "00000080" + // 36 first_seg_addr         0x80000000
        "60000000" + // 40 first_seg_len          0x60
        "10000080" + // 44 entry_addr             0x80000010
        "00000000" + // 48 extended_error         0
        "00000000" + // 52 status                 0
        "00000000";  // 56 key_handle             0

    private static readonly SecAuthV2Message s_message = new(
        new SecAuthRequest(0xD, new TmelcomBuffer(0x20001000, 0x400), new TmelcomBuffer(0x20002000, 1), 0),
        1,
        new TmelcomBuffer(0xDEADBEEF, 0xCAFEBABE),
        new SecAuthResponse(0x80000000, 0x60, 0x80000010, 0, 0),
        0);

    [Fact]
    public void Encode_MatchesGoldenBytes()
    {
        byte[] message = new byte[SecAuthV2Message.MessageSize];
        Assert.Equal(60, SecAuthV2Message.Encode(s_message, message));
        Assert.Equal(Hex, Convert.ToHexString(message));
        Assert.Equal(TmelcomIpcType.Sram, TmelcomPacket.SelectIpcType(SecAuthV2Message.MessageSize));
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField()
    {
        SecAuthV2Message decoded = SecAuthV2Message.Decode(Convert.FromHexString(Hex));
        Assert.Equal(s_message, decoded);
        Assert.True(decoded.IntegrityCheck);
    }

    [Fact]
    public void Decode_KeyHandleAndErrors_AreAtTheirOffsets()
    {
        byte[] bytes = Convert.FromHexString(Hex);
        bytes[48] = 0x03;  // extended_error
        bytes[52] = 0x01;  // status
        bytes[56] = 0x2A;  // key_handle
        SecAuthV2Message decoded = SecAuthV2Message.Decode(bytes);
        Assert.Equal((3u, 1u, 0x2Au), (decoded.Response.ExtendedError, decoded.Response.Status, decoded.KeyHandle));
    }

    [Theory]
    [InlineData(44)]
    [InlineData(59)]
    [InlineData(61)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<RpmsgProtocolException>(() => SecAuthV2Message.Decode(new byte[length]));
}
