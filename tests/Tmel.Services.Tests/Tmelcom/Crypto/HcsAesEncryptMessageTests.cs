using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>
/// Golden bytes of the 96-byte HCS_AES_ENCRYPT struct, written from the offset table of tmelcom-services.md: each word holds
/// (UID &lt;&lt; 16) | (offset + 1), so a field in the wrong place cannot pass.
/// </summary>
public class HcsAesEncryptMessageTests : CryptoMessageGoldenTests<HcsAesEncryptMessage>
{
    internal const string GoldenHex =
        "01000A0B" + //   0 req.algo = 0x0B0A0001
        "05000A0B" + //   4 req.key_id = 0x0B0A0005
        "09000A0B" + //   8 req.in_aad.buf = 0x0B0A0009
        "0D000A0B" + //  12 req.in_aad.buf_len = 0x0B0A000D
        "11000A0B" + //  16 req.in_plain_txt.buf = 0x0B0A0011
        "15000A0B" + //  20 req.in_plain_txt.buf_len = 0x0B0A0015
        "19000A0B" + //  24 resp.out_aad.buf = 0x0B0A0019
        "1D000A0B" + //  28 resp.out_aad.length = 0x0B0A001D
        "21000A0B" + //  32 resp.out_aad.length_used = 0x0B0A0021
        "25000A0B" + //  36 resp.out_iv.buf = 0x0B0A0025
        "29000A0B" + //  40 resp.out_iv.length = 0x0B0A0029
        "2D000A0B" + //  44 resp.out_iv.length_used = 0x0B0A002D
        "31000A0B" + //  48 resp.out_tag.buf = 0x0B0A0031
        "35000A0B" + //  52 resp.out_tag.length = 0x0B0A0035
        "39000A0B" + //  56 resp.out_tag.length_used = 0x0B0A0039
        "3D000A0B" + //  60 resp.out_cipher_txt.buf = 0x0B0A003D
        "41000A0B" + //  64 resp.out_cipher_txt.length = 0x0B0A0041
        "45000A0B" + //  68 resp.out_cipher_txt.length_used = 0x0B0A0045
        "49000A0B" + //  72 resp.status = 0x0B0A0049
        "4D000A0B" + //  76 seq_status.tme_error_status = 0x0B0A004D
        "51000A0B" + //  80 seq_status.seq_error_status = 0x0B0A0051
        "55000A0B" + //  84 seq_status.seq_kp_error_status0 = 0x0B0A0055
        "59000A0B" + //  88 seq_status.seq_kp_error_status1 = 0x0B0A0059
        "5D000A0B";  //  92 seq_status.seq_rsp_status = 0x0B0A005D

    internal static readonly HcsAesEncryptMessage Golden = new(
        Mode: 0x0B0A0001,
        KeyId: 0x0B0A0005,
        Aad: new TmelcomBuffer(0x0B0A0009, 0x0B0A000D),
        Plaintext: new TmelcomBuffer(0x0B0A0011, 0x0B0A0015),
        OutAad: new TmelcomOutBuffer(0x0B0A0019, 0x0B0A001D, 0x0B0A0021),
        OutIv: new TmelcomOutBuffer(0x0B0A0025, 0x0B0A0029, 0x0B0A002D),
        OutTag: new TmelcomOutBuffer(0x0B0A0031, 0x0B0A0035, 0x0B0A0039),
        Ciphertext: new TmelcomOutBuffer(0x0B0A003D, 0x0B0A0041, 0x0B0A0045),
        Status: 0x0B0A0049,
        Sequencer: new TmeSequencerStatus(0x0B0A004D, 0x0B0A0051, 0x0B0A0055, 0x0B0A0059, 0x0B0A005D));

    /// <inheritdoc/>
    protected override HcsAesEncryptMessage Value => Golden;

    /// <inheritdoc/>
    protected override string Hex => GoldenHex;

    /// <inheritdoc/>
    protected override int SheetSize => 96;
}
