using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 48-byte KM_UNWRAP struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class KmUnwrapMessageTests : CryptoMessageGoldenTests<KmUnwrapMessage>
{
    internal const string GoldenHex =
        "01000607" + //   0 req.key_id = 0x07060001
        "05000607" + //   4 req.kw_key_id = 0x07060005
        "09000607" + //   8 req.wrapped_key.key = 0x07060009
        "0D000607" + //  12 req.wrapped_key.length = 0x0706000D
        "11000607" + //  16 req.cred_slot = 0x07060011
        "15000607" + //  20 resp.key_id = 0x07060015
        "19000607" + //  24 resp.status = 0x07060019
        "1D000607" + //  28 seq_status.tme_error_status = 0x0706001D
        "21000607" + //  32 seq_status.seq_error_status = 0x07060021
        "25000607" + //  36 seq_status.seq_kp_error_status0 = 0x07060025
        "29000607" + //  40 seq_status.seq_kp_error_status1 = 0x07060029
        "2D000607";  //  44 seq_status.seq_rsp_status = 0x0706002D

    internal static readonly KmUnwrapMessage Golden = new(
        KeyId: 0x07060001,
        WrappingKeyId: 0x07060005,
        WrappedKey: new TmelcomBuffer(0x07060009, 0x0706000D),
        CredentialSlot: 0x07060011,
        ResultKeyId: 0x07060015,
        Status: 0x07060019,
        Sequencer: new TmeSequencerStatus(0x0706001D, 0x07060021, 0x07060025, 0x07060029, 0x0706002D));

    /// <inheritdoc/>
    protected override KmUnwrapMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 48;
}
