using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 52-byte HCS_SHA_DIGEST/HCS_HMAC_DIGEST struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsDigestMessageTests : CryptoMessageGoldenTests<HcsDigestMessage>
{
    internal const string GoldenHex =
        "0100010B" + //   0 req.hash_algo = 0x0B010001
        "0500010B" + //   4 req.input.buf = 0x0B010005
        "0900010B" + //   8 req.input.buf_len = 0x0B010009
        "0D00010B" + //  12 req.hmac_key_id = 0x0B01000D
        "1100010B" + //  16 resp.digest.buf = 0x0B010011
        "1500010B" + //  20 resp.digest.length = 0x0B010015
        "1900010B" + //  24 resp.digest.length_used = 0x0B010019
        "1D00010B" + //  28 resp.status = 0x0B01001D
        "2100010B" + //  32 seq_status.tme_error_status = 0x0B010021
        "2500010B" + //  36 seq_status.seq_error_status = 0x0B010025
        "2900010B" + //  40 seq_status.seq_kp_error_status0 = 0x0B010029
        "2D00010B" + //  44 seq_status.seq_kp_error_status1 = 0x0B01002D
        "3100010B";  //  48 seq_status.seq_rsp_status = 0x0B010031

    internal static readonly HcsDigestMessage Golden = new(
        HashAlgorithm: 0x0B010001,
        Input: new TmelcomBuffer(0x0B010005, 0x0B010009),
        HmacKeyId: 0x0B01000D,
        Digest: new TmelcomOutBuffer(0x0B010011, 0x0B010015, 0x0B010019),
        Status: 0x0B01001D,
        Sequencer: new TmeSequencerStatus(0x0B010021, 0x0B010025, 0x0B010029, 0x0B01002D, 0x0B010031));

    /// <inheritdoc/>
    protected override HcsDigestMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 52;
}
