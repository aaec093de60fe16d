namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_AES_DECRYPT struct: decrypts with an AES key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.algo
///  4       4     req.key_id
///  8       4     req.in_aad.buf
///  12      4     req.in_aad.buf_len
///  16      4     req.in_iv.buf
///  20      4     req.in_iv.buf_len
///  24      4     req.in_tag.buf
///  28      4     req.in_tag.buf_len
///  32      4     req.in_cipher_txt.buf
///  36      4     req.in_cipher_txt.buf_len
///  40      4     resp.out_aad.buf
///  44      4     resp.out_aad.length
///  48      4     resp.out_aad.length_used
///  52      4     resp.out_plain_txt.buf
///  56      4     resp.out_plain_txt.length
///  60      4     resp.out_plain_txt.length_used
///  64      4     resp.status
///  68      4     seq_status.tme_error_status
///  72      4     seq_status.seq_error_status
///  76      4     seq_status.seq_kp_error_status0
///  80      4     seq_status.seq_kp_error_status1
///  84      4     seq_status.seq_rsp_status
///  total   88
/// </code>
/// </remarks>
/// <param name="Mode">The <see cref="TmeAesMode"/>. Sheet: <c>req.algo</c>.</param>
/// <param name="KeyId">The key handle. Sheet: <c>req.key_id</c>.</param>
/// <param name="Aad">The additional authenticated data (GCM). Sheet: <c>req.in_aad</c>.</param>
/// <param name="Iv">The IV (CBC, GCM). Sheet: <c>req.in_iv</c>.</param>
/// <param name="Tag">The tag (GCM). Sheet: <c>req.in_tag</c>.</param>
/// <param name="Ciphertext">The ciphertext. Sheet: <c>req.in_cipher_txt</c>.</param>
/// <param name="OutAad">The AAD output buffer. Sheet: <c>resp.out_aad</c>.</param>
/// <param name="Plaintext">The plaintext output buffer. Sheet: <c>resp.out_plain_txt</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsAesDecryptMessage(
    uint Mode,
    uint KeyId,
    TmelcomBuffer Aad,
    TmelcomBuffer Iv,
    TmelcomBuffer Tag,
    TmelcomBuffer Ciphertext,
    TmelcomOutBuffer OutAad,
    TmelcomOutBuffer Plaintext,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsAesDecryptMessage>
{
    /// <summary>UID 0x0B0B (HCS_AES_DECRYPT).</summary>
    public const ushort Uid = 0x0B0B;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 88;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_AES_DECRYPT";

    /// <inheritdoc/>
    public static int Encode(HcsAesDecryptMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Mode);
        writer.Word(message.KeyId);
        writer.Buffer(message.Aad);
        writer.Buffer(message.Iv);
        writer.Buffer(message.Tag);
        writer.Buffer(message.Ciphertext);
        writer.OutBuffer(message.OutAad);
        writer.OutBuffer(message.Plaintext);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsAesDecryptMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsAesDecryptMessage(
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.Buffer(),
            reader.Buffer(),
            reader.Buffer(),
            reader.OutBuffer(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
