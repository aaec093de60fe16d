using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 44-byte HCS_ECC_GET_PUBKEY/HCS_ECDH_GET_PUBKEY struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsEccPublicKeyMessageTests : CryptoMessageGoldenTests<HcsEccPublicKeyMessage>
{
    internal const string GoldenHex =
        "0100070B" + //   0 req.curve_id = 0x0B070001
        "0500070B" + //   4 req.prv_key_id = 0x0B070005
        "0900070B" + //   8 resp.pub_key.buf = 0x0B070009
        "0D00070B" + //  12 resp.pub_key.length = 0x0B07000D
        "1100070B" + //  16 resp.pub_key.length_used = 0x0B070011
        "1500070B" + //  20 resp.status = 0x0B070015
        "1900070B" + //  24 seq_status.tme_error_status = 0x0B070019
        "1D00070B" + //  28 seq_status.seq_error_status = 0x0B07001D
        "2100070B" + //  32 seq_status.seq_kp_error_status0 = 0x0B070021
        "2500070B" + //  36 seq_status.seq_kp_error_status1 = 0x0B070025
        "2900070B";  //  40 seq_status.seq_rsp_status = 0x0B070029

    internal static readonly HcsEccPublicKeyMessage Golden = new(
        Curve: 0x0B070001,
        PrivateKeyId: 0x0B070005,
        PublicKey: new TmelcomOutBuffer(0x0B070009, 0x0B07000D, 0x0B070011),
        Status: 0x0B070015,
        Sequencer: new TmeSequencerStatus(0x0B070019, 0x0B07001D, 0x0B070021, 0x0B070025, 0x0B070029));

    /// <inheritdoc/>
    protected override HcsEccPublicKeyMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 44;
}
