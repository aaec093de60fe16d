using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 28-byte KM_CLEAR struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmClearMessageTests : CryptoMessageGoldenTests<KmClearMessage>
{
    internal const string GoldenHex =
        "01000107" + //   0 req.key_id = 0x07010001
        "05000107" + //   4 resp.status = 0x07010005
        "09000107" + //   8 seq_status.tme_error_status = 0x07010009
        "0D000107" + //  12 seq_status.seq_error_status = 0x0701000D
        "11000107" + //  16 seq_status.seq_kp_error_status0 = 0x07010011
        "15000107" + //  20 seq_status.seq_kp_error_status1 = 0x07010015
        "19000107";  //  24 seq_status.seq_rsp_status = 0x07010019

    internal static readonly KmClearMessage Golden = new(
        KeyId: 0x07010001,
        Status: 0x07010005,
        Sequencer: new TmeSequencerStatus(0x07010009, 0x0701000D, 0x07010011, 0x07010015, 0x07010019));

    /// <inheritdoc/>
    protected override KmClearMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 28;
}
