using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 44-byte KM_WRAP struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmWrapMessageTests : CryptoMessageGoldenTests<KmWrapMessage>
{
    internal const string GoldenHex =
        "01000507" + //   0 req.key_id = 0x07050001
        "05000507" + //   4 req.kw_key_id = 0x07050005
        "09000507" + //   8 req.cred_slot = 0x07050009
        "0D000507" + //  12 resp.wrapped_key.key = 0x0705000D
        "11000507" + //  16 resp.wrapped_key.length = 0x07050011
        "15000507" + //  20 resp.status = 0x07050015
        "19000507" + //  24 seq_status.tme_error_status = 0x07050019
        "1D000507" + //  28 seq_status.seq_error_status = 0x0705001D
        "21000507" + //  32 seq_status.seq_kp_error_status0 = 0x07050021
        "25000507" + //  36 seq_status.seq_kp_error_status1 = 0x07050025
        "29000507";  //  40 seq_status.seq_rsp_status = 0x07050029

    internal static readonly KmWrapMessage Golden = new(
        KeyId: 0x07050001,
        WrappingKeyId: 0x07050005,
        CredentialSlot: 0x07050009,
        WrappedKey: new TmelcomBuffer(0x0705000D, 0x07050011),
        Status: 0x07050015,
        Sequencer: new TmeSequencerStatus(0x07050019, 0x0705001D, 0x07050021, 0x07050025, 0x07050029));

    /// <inheritdoc/>
    protected override KmWrapMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 44;
}
