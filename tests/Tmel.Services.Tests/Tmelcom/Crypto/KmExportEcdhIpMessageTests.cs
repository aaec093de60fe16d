using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 44-byte KM_EXPORT_ECDH_IP struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmExportEcdhIpMessageTests : CryptoMessageGoldenTests<KmExportEcdhIpMessage>
{
    internal const string GoldenHex =
        "01000807" + //   0 req.feature_id = 0x07080001
        "05000807" + //   4 req.key_id = 0x07080005
        "09000807" + //   8 rsp.rsp_buf.data = 0x07080009
        "0D000807" + //  12 rsp.rsp_buf.len = 0x0708000D
        "11000807" + //  16 rsp.rsp_buf.len_used = 0x07080011
        "15000807" + //  20 rsp.status = 0x07080015
        "19000807" + //  24 rsp.seq_status.tmel_err_status = 0x07080019
        "1D000807" + //  28 rsp.seq_status.seq_err_status = 0x0708001D
        "21000807" + //  32 rsp.seq_status.seq_kp_err_status0 = 0x07080021
        "25000807" + //  36 rsp.seq_status.seq_kp_err_status1 = 0x07080025
        "29000807";  //  40 rsp.seq_status.seq_rsp_status = 0x07080029

    internal static readonly KmExportEcdhIpMessage Golden = new(
        FeatureId: 0x07080001,
        KeyId: 0x07080005,
        PublicKey: new TmelcomOutBuffer(0x07080009, 0x0708000D, 0x07080011),
        Status: 0x07080015,
        Sequencer: new TmeSequencerStatus(0x07080019, 0x0708001D, 0x07080021, 0x07080025, 0x07080029));

    /// <inheritdoc/>
    protected override KmExportEcdhIpMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 44;
}
