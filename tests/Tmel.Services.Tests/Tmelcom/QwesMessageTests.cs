using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of QWES INIT_ATTESTATION and DEVICE_ATTESTATION (tmelcom-services.md §3.3 offset tables).</summary>
public class QwesMessageTests
{
    private const string InitHex =
        "01000000" + //  0 status       1 (preset)
        "00400020" + //  4 rsp.buf      0x20004000
        "80000000" + //  8 rsp.buf_len  128
        "00000000";  // 12 out_buf_len  0

    private const string AttestHex =
        "01000000" + //  0 status             1 (preset)
        "00100020" + //  4 req.buf            0x20001000
        "34000000" + //  8 req.buf_len        52
        "00000000" + // 12 ext_claim.buf      0 (absent)
        "C8000000" + // 16 ext_claim.buf_len  200 (Linux passes it anyway)
        "00200020" + // 20 rsp.buf            0x20002000
        "00080000" + // 24 rsp.buf_len        2048
        "00000000";  // 28 rsp.out_buf_len    0

    [Fact]
    public void InitAttestation_Encode_MatchesGoldenBytes_Inline()
    {
        byte[] message = new byte[QwesInitAttestationMessage.MessageSize];
        QwesInitAttestationMessage.Encode(QwesInitAttestationMessage.CreateRequest(new TmelcomBuffer(0x20004000, 128)), message);
        Assert.Equal(InitHex, Convert.ToHexString(message));
        Assert.Equal(TmelcomIpcType.MailboxOnly, TmelcomPacket.SelectIpcType(QwesInitAttestationMessage.MessageSize));
        Assert.Equal(new QwesInitAttestationMessage(1, new TmelcomBuffer(0x20004000, 128), 0), QwesInitAttestationMessage.Decode(message));
    }

    [Fact]
    public void DeviceAttestation_Encode_MatchesGoldenBytes_Sram()
    {
        byte[] message = new byte[QwesDeviceAttestationMessage.MessageSize];
        var request = QwesDeviceAttestationMessage.CreateRequest(new TmelcomBuffer(0x20001000, 52), new TmelcomBuffer(0, 200), new TmelcomBuffer(0x20002000, 2048));
        QwesDeviceAttestationMessage.Encode(request, message);
        Assert.Equal(AttestHex, Convert.ToHexString(message));
        Assert.Equal(TmelcomIpcType.Sram, TmelcomPacket.SelectIpcType(QwesDeviceAttestationMessage.MessageSize));
    }

    [Fact]
    public void DeviceAttestation_Decode_ExtraClaimsAbsentWhenAddressIsZero()
    {
        QwesDeviceAttestationMessage decoded = QwesDeviceAttestationMessage.Decode(Convert.FromHexString(AttestHex));
        Assert.Equal(new TmelcomBuffer(0x20001000, 52), decoded.Request);
        Assert.Equal(new TmelcomBuffer(0x20002000, 2048), decoded.Response);
        Assert.False(decoded.HasExtraClaims);
        Assert.True((decoded with { ExtraClaims = new TmelcomBuffer(0x20003000, 0) }).HasExtraClaims);
    }

    [Fact]
    public void Decode_WrongLength_ThrowsProtocolException()
    {
        Assert.Throws<RpmsgProtocolException>(() => QwesInitAttestationMessage.Decode(new byte[20]));
        Assert.Throws<RpmsgProtocolException>(() => QwesDeviceAttestationMessage.Decode(new byte[16]));
    }
}
