namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_AES_ENCRYPT struct: encrypts with an AES key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.algo
///  4       4     req.key_id
///  8       4     req.in_aad.buf
///  12      4     req.in_aad.buf_len
///  16      4     req.in_plain_txt.buf
///  20      4     req.in_plain_txt.buf_len
///  24      4     resp.out_aad.buf
///  28      4     resp.out_aad.length
///  32      4     resp.out_aad.length_used
///  36      4     resp.out_iv.buf
///  40      4     resp.out_iv.length
///  44      4     resp.out_iv.length_used
///  48      4     resp.out_tag.buf
///  52      4     resp.out_tag.length
///  56      4     resp.out_tag.length_used
///  60      4     resp.out_cipher_txt.buf
///  64      4     resp.out_cipher_txt.length
///  68      4     resp.out_cipher_txt.length_used
///  72      4     resp.status
///  76      4     seq_status.tme_error_status
///  80      4     seq_status.seq_error_status
///  84      4     seq_status.seq_kp_error_status0
///  88      4     seq_status.seq_kp_error_status1
///  92      4     seq_status.seq_rsp_status
///  total   96
/// </code>
/// </remarks>
/// <param name="Mode">The <see cref="TmeAesMode"/>. Sheet: <c>req.algo</c>.</param>
/// <param name="KeyId">The key handle. Sheet: <c>req.key_id</c>.</param>
/// <param name="Aad">The additional authenticated data (GCM). Sheet: <c>req.in_aad</c>.</param>
/// <param name="Plaintext">The plaintext. Sheet: <c>req.in_plain_txt</c>.</param>
/// <param name="OutAad">The AAD output buffer (0 in every client). Sheet: <c>resp.out_aad</c>.</param>
/// <param name="OutIv">The output buffer for the IV TME-L used. Sheet: <c>resp.out_iv</c>.</param>
/// <param name="OutTag">The output buffer for the GCM tag. Sheet: <c>resp.out_tag</c>.</param>
/// <param name="Ciphertext">The ciphertext output buffer. Sheet: <c>resp.out_cipher_txt</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsAesEncryptMessage(
    uint Mode,
    uint KeyId,
    TmelcomBuffer Aad,
    TmelcomBuffer Plaintext,
    TmelcomOutBuffer OutAad,
    TmelcomOutBuffer OutIv,
    TmelcomOutBuffer OutTag,
    TmelcomOutBuffer Ciphertext,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsAesEncryptMessage>
{
    /// <summary>UID 0x0B0A (HCS_AES_ENCRYPT).</summary>
    public const ushort Uid = 0x0B0A;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 96;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_AES_ENCRYPT";

    /// <inheritdoc/>
    public static int Encode(HcsAesEncryptMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Mode);
        writer.Word(message.KeyId);
        writer.Buffer(message.Aad);
        writer.Buffer(message.Plaintext);
        writer.OutBuffer(message.OutAad);
        writer.OutBuffer(message.OutIv);
        writer.OutBuffer(message.OutTag);
        writer.OutBuffer(message.Ciphertext);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsAesEncryptMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsAesEncryptMessage(
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.Buffer(),
            reader.OutBuffer(),
            reader.OutBuffer(),
            reader.OutBuffer(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
