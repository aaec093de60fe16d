using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 44-byte KM_DERIVE struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmDeriveMessageTests : CryptoMessageGoldenTests<KmDeriveMessage>
{
    internal const string GoldenHex =
        "01000407" + //   0 req.key_id = 0x07040001
        "05000407" + //   4 req.kdf_info.buf = 0x07040005
        "09000407" + //   8 req.kdf_info.buf_len = 0x07040009
        "0D000407" + //  12 req.cred_slot = 0x0704000D
        "11000407" + //  16 resp.key_id = 0x07040011
        "15000407" + //  20 resp.status = 0x07040015
        "19000407" + //  24 seq_status.tme_error_status = 0x07040019
        "1D000407" + //  28 seq_status.seq_error_status = 0x0704001D
        "21000407" + //  32 seq_status.seq_kp_error_status0 = 0x07040021
        "25000407" + //  36 seq_status.seq_kp_error_status1 = 0x07040025
        "29000407";  //  40 seq_status.seq_rsp_status = 0x07040029

    internal static readonly KmDeriveMessage Golden = new(
        KeyId: 0x07040001,
        KdfSpec: new TmelcomBuffer(0x07040005, 0x07040009),
        CredentialSlot: 0x0704000D,
        ResultKeyId: 0x07040011,
        Status: 0x07040015,
        Sequencer: new TmeSequencerStatus(0x07040019, 0x0704001D, 0x07040021, 0x07040025, 0x07040029));

    /// <inheritdoc/>
    protected override KmDeriveMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 44;
}
