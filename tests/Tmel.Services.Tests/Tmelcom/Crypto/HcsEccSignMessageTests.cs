using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 56-byte HCS_ECC_SIGN_DIGEST/HCS_ECC_SIGN_MSG struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsEccSignMessageTests : CryptoMessageGoldenTests<HcsEccSignMessage>
{
    internal const string GoldenHex =
        "0100030B" + //   0 req.curve_id = 0x0B030001
        "0500030B" + //   4 req.prv_key_id = 0x0B030005
        "0900030B" + //   8 req.hash_algo = 0x0B030009
        "0D00030B" + //  12 req.msg.buf = 0x0B03000D
        "1100030B" + //  16 req.msg.buf_len = 0x0B030011
        "1500030B" + //  20 resp.sig.buf = 0x0B030015
        "1900030B" + //  24 resp.sig.length = 0x0B030019
        "1D00030B" + //  28 resp.sig.length_used = 0x0B03001D
        "2100030B" + //  32 resp.status = 0x0B030021
        "2500030B" + //  36 seq_status.tme_error_status = 0x0B030025
        "2900030B" + //  40 seq_status.seq_error_status = 0x0B030029
        "2D00030B" + //  44 seq_status.seq_kp_error_status0 = 0x0B03002D
        "3100030B" + //  48 seq_status.seq_kp_error_status1 = 0x0B030031
        "3500030B";  //  52 seq_status.seq_rsp_status = 0x0B030035

    internal static readonly HcsEccSignMessage Golden = new(
        Curve: 0x0B030001,
        PrivateKeyId: 0x0B030005,
        HashAlgorithm: 0x0B030009,
        Input: new TmelcomBuffer(0x0B03000D, 0x0B030011),
        Signature: new TmelcomOutBuffer(0x0B030015, 0x0B030019, 0x0B03001D),
        Status: 0x0B030021,
        Sequencer: new TmeSequencerStatus(0x0B030025, 0x0B030029, 0x0B03002D, 0x0B030031, 0x0B030035));

    /// <inheritdoc/>
    protected override HcsEccSignMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 56;
}
