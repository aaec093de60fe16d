using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 52-byte KM_IMPORT struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmImportMessageTests : CryptoMessageGoldenTests<KmImportMessage>
{
    internal const string GoldenHex =
        "01000207" + //   0 req.key_id = 0x07020001
        "05000207" + //   4 req.key_policy.low = 0x07020005
        "09000207" + //   8 req.key_policy.high = 0x07020009
        "0D000207" + //  12 req.key_material.buf = 0x0702000D
        "11000207" + //  16 req.key_material.buf_len = 0x07020011
        "15000207" + //  20 req.cred_slot = 0x07020015
        "19000207" + //  24 resp.key_id = 0x07020019
        "1D000207" + //  28 resp.status = 0x0702001D
        "21000207" + //  32 seq_status.tme_error_status = 0x07020021
        "25000207" + //  36 seq_status.seq_error_status = 0x07020025
        "29000207" + //  40 seq_status.seq_kp_error_status0 = 0x07020029
        "2D000207" + //  44 seq_status.seq_kp_error_status1 = 0x0702002D
        "31000207";  //  48 seq_status.seq_rsp_status = 0x07020031

    internal static readonly KmImportMessage Golden = new(
        KeyId: 0x07020001,
        Policy: new TmeKeyPolicy(0x07020005, 0x07020009),
        KeyMaterial: new TmelcomBuffer(0x0702000D, 0x07020011),
        CredentialSlot: 0x07020015,
        ResultKeyId: 0x07020019,
        Status: 0x0702001D,
        Sequencer: new TmeSequencerStatus(0x07020021, 0x07020025, 0x07020029, 0x0702002D, 0x07020031));

    /// <inheritdoc/>
    protected override KmImportMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 52;
}
