using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 44-byte KM_GENERATE struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmGenerateMessageTests : CryptoMessageGoldenTests<KmGenerateMessage>
{
    internal const string GoldenHex =
        "01000307" + //   0 req.key_id = 0x07030001
        "05000307" + //   4 req.policy.low = 0x07030005
        "09000307" + //   8 req.policy.high = 0x07030009
        "0D000307" + //  12 req.cred_slot = 0x0703000D
        "11000307" + //  16 resp.key_id = 0x07030011
        "15000307" + //  20 resp.status = 0x07030015
        "19000307" + //  24 seq_status.tme_error_status = 0x07030019
        "1D000307" + //  28 seq_status.seq_error_status = 0x0703001D
        "21000307" + //  32 seq_status.seq_kp_error_status0 = 0x07030021
        "25000307" + //  36 seq_status.seq_kp_error_status1 = 0x07030025
        "29000307";  //  40 seq_status.seq_rsp_status = 0x07030029

    internal static readonly KmGenerateMessage Golden = new(
        KeyId: 0x07030001,
        Policy: new TmeKeyPolicy(0x07030005, 0x07030009),
        CredentialSlot: 0x0703000D,
        ResultKeyId: 0x07030011,
        Status: 0x07030015,
        Sequencer: new TmeSequencerStatus(0x07030019, 0x0703001D, 0x07030021, 0x07030025, 0x07030029));

    /// <inheritdoc/>
    protected override KmGenerateMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 44;
}
