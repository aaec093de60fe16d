using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 56-byte HCS_ECDH_SHARED_SECRET struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsEcdhSharedSecretMessageTests : CryptoMessageGoldenTests<HcsEcdhSharedSecretMessage>
{
    internal const string GoldenHex =
        "0100090B" + //   0 req.curve_id = 0x0B090001
        "0500090B" + //   4 req.prv_key_id = 0x0B090005
        "0900090B" + //   8 req.shared_key_id = 0x0B090009
        "0D00090B" + //  12 req.pub_key2.buf = 0x0B09000D
        "1100090B" + //  16 req.pub_key2.buf_len = 0x0B090011
        "1500090B" + //  20 req.policy.low = 0x0B090015
        "1900090B" + //  24 req.policy.high = 0x0B090019
        "1D00090B" + //  28 resp.shared_key_id = 0x0B09001D
        "2100090B" + //  32 resp.status = 0x0B090021
        "2500090B" + //  36 seq_status.tme_error_status = 0x0B090025
        "2900090B" + //  40 seq_status.seq_error_status = 0x0B090029
        "2D00090B" + //  44 seq_status.seq_kp_error_status0 = 0x0B09002D
        "3100090B" + //  48 seq_status.seq_kp_error_status1 = 0x0B090031
        "3500090B";  //  52 seq_status.seq_rsp_status = 0x0B090035

    internal static readonly HcsEcdhSharedSecretMessage Golden = new(
        Curve: 0x0B090001,
        PrivateKeyId: 0x0B090005,
        SharedKeyId: 0x0B090009,
        PeerPublicKey: new TmelcomBuffer(0x0B09000D, 0x0B090011),
        Policy: new TmeKeyPolicy(0x0B090015, 0x0B090019),
        ResultKeyId: 0x0B09001D,
        Status: 0x0B090021,
        Sequencer: new TmeSequencerStatus(0x0B090025, 0x0B090029, 0x0B09002D, 0x0B090031, 0x0B090035));

    /// <inheritdoc/>
    protected override HcsEcdhSharedSecretMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 56;
}
