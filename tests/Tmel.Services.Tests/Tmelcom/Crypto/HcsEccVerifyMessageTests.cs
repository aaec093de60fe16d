using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 56-byte HCS_ECC_VERIFY_DIGEST/HCS_ECC_VERIFY_MSG struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsEccVerifyMessageTests : CryptoMessageGoldenTests<HcsEccVerifyMessage>
{
    internal const string GoldenHex =
        "0100050B" + //   0 req.curve_id = 0x0B050001
        "0500050B" + //   4 req.pub_key.buf = 0x0B050005
        "0900050B" + //   8 req.pub_key.buf_len = 0x0B050009
        "0D00050B" + //  12 req.hash_algo = 0x0B05000D
        "1100050B" + //  16 req.msg.buf = 0x0B050011
        "1500050B" + //  20 req.msg.buf_len = 0x0B050015
        "1900050B" + //  24 req.sig.buf = 0x0B050019
        "1D00050B" + //  28 req.sig.buf_len = 0x0B05001D
        "2100050B" + //  32 resp.status = 0x0B050021
        "2500050B" + //  36 seq_status.tme_error_status = 0x0B050025
        "2900050B" + //  40 seq_status.seq_error_status = 0x0B050029
        "2D00050B" + //  44 seq_status.seq_kp_error_status0 = 0x0B05002D
        "3100050B" + //  48 seq_status.seq_kp_error_status1 = 0x0B050031
        "3500050B";  //  52 seq_status.seq_rsp_status = 0x0B050035

    internal static readonly HcsEccVerifyMessage Golden = new(
        Curve: 0x0B050001,
        PublicKey: new TmelcomBuffer(0x0B050005, 0x0B050009),
        HashAlgorithm: 0x0B05000D,
        Input: new TmelcomBuffer(0x0B050011, 0x0B050015),
        Signature: new TmelcomBuffer(0x0B050019, 0x0B05001D),
        Status: 0x0B050021,
        Sequencer: new TmeSequencerStatus(0x0B050025, 0x0B050029, 0x0B05002D, 0x0B050031, 0x0B050035));

    /// <inheritdoc/>
    protected override HcsEccVerifyMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 56;
}
