using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 88-byte HCS_AES_DECRYPT struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsAesDecryptMessageTests : CryptoMessageGoldenTests<HcsAesDecryptMessage>
{
    internal const string GoldenHex =
        "01000B0B" + //   0 req.algo = 0x0B0B0001
        "05000B0B" + //   4 req.key_id = 0x0B0B0005
        "09000B0B" + //   8 req.in_aad.buf = 0x0B0B0009
        "0D000B0B" + //  12 req.in_aad.buf_len = 0x0B0B000D
        "11000B0B" + //  16 req.in_iv.buf = 0x0B0B0011
        "15000B0B" + //  20 req.in_iv.buf_len = 0x0B0B0015
        "19000B0B" + //  24 req.in_tag.buf = 0x0B0B0019
        "1D000B0B" + //  28 req.in_tag.buf_len = 0x0B0B001D
        "21000B0B" + //  32 req.in_cipher_txt.buf = 0x0B0B0021
        "25000B0B" + //  36 req.in_cipher_txt.buf_len = 0x0B0B0025
        "29000B0B" + //  40 resp.out_aad.buf = 0x0B0B0029
        "2D000B0B" + //  44 resp.out_aad.length = 0x0B0B002D
        "31000B0B" + //  48 resp.out_aad.length_used = 0x0B0B0031
        "35000B0B" + //  52 resp.out_plain_txt.buf = 0x0B0B0035
        "39000B0B" + //  56 resp.out_plain_txt.length = 0x0B0B0039
        "3D000B0B" + //  60 resp.out_plain_txt.length_used = 0x0B0B003D
        "41000B0B" + //  64 resp.status = 0x0B0B0041
        "45000B0B" + //  68 seq_status.tme_error_status = 0x0B0B0045
        "49000B0B" + //  72 seq_status.seq_error_status = 0x0B0B0049
        "4D000B0B" + //  76 seq_status.seq_kp_error_status0 = 0x0B0B004D
        "51000B0B" + //  80 seq_status.seq_kp_error_status1 = 0x0B0B0051
        "55000B0B";  //  84 seq_status.seq_rsp_status = 0x0B0B0055

    internal static readonly HcsAesDecryptMessage Golden = new(
        Mode: 0x0B0B0001,
        KeyId: 0x0B0B0005,
        Aad: new TmelcomBuffer(0x0B0B0009, 0x0B0B000D),
        Iv: new TmelcomBuffer(0x0B0B0011, 0x0B0B0015),
        Tag: new TmelcomBuffer(0x0B0B0019, 0x0B0B001D),
        Ciphertext: new TmelcomBuffer(0x0B0B0021, 0x0B0B0025),
        OutAad: new TmelcomOutBuffer(0x0B0B0029, 0x0B0B002D, 0x0B0B0031),
        Plaintext: new TmelcomOutBuffer(0x0B0B0035, 0x0B0B0039, 0x0B0B003D),
        Status: 0x0B0B0041,
        Sequencer: new TmeSequencerStatus(0x0B0B0045, 0x0B0B0049, 0x0B0B004D, 0x0B0B0051, 0x0B0B0055));

    /// <inheritdoc/>
    protected override HcsAesDecryptMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 88;
}
