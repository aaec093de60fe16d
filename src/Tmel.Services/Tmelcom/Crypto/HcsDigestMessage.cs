namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_SHA_DIGEST/HCS_HMAC_DIGEST struct: computes a SHA digest (0x0B01) or an HMAC under a key (0x0B02) (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.hash_algo
///  4       4     req.input.buf
///  8       4     req.input.buf_len
///  12      4     req.hmac_key_id
///  16      4     resp.digest.buf
///  20      4     resp.digest.length
///  24      4     resp.digest.length_used
///  28      4     resp.status
///  32      4     seq_status.tme_error_status
///  36      4     seq_status.seq_error_status
///  40      4     seq_status.seq_kp_error_status0
///  44      4     seq_status.seq_kp_error_status1
///  48      4     seq_status.seq_rsp_status
///  total   52
/// </code>
/// </remarks>
/// <param name="HashAlgorithm">The <see cref="TmeHashAlgorithm"/>. Sheet: <c>req.hash_algo</c>.</param>
/// <param name="Input">The input data. Sheet: <c>req.input</c>.</param>
/// <param name="HmacKeyId">The HMAC key handle; 0 for a plain digest. Sheet: <c>req.hmac_key_id</c>.</param>
/// <param name="Digest">The digest output buffer. Sheet: <c>resp.digest</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsDigestMessage(
    uint HashAlgorithm,
    TmelcomBuffer Input,
    uint HmacKeyId,
    TmelcomOutBuffer Digest,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsDigestMessage>
{
    /// <summary>UID 0x0B01 (HCS_SHA_DIGEST).</summary>
    public const ushort ShaUid = 0x0B01;

    /// <summary>UID 0x0B02 (HCS_HMAC_DIGEST).</summary>
    public const ushort HmacUid = 0x0B02;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 52;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_SHA_DIGEST/HCS_HMAC_DIGEST";

    /// <inheritdoc/>
    public static int Encode(HcsDigestMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.HashAlgorithm);
        writer.Buffer(message.Input);
        writer.Word(message.HmacKeyId);
        writer.OutBuffer(message.Digest);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsDigestMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsDigestMessage(
            reader.Word(),
            reader.Buffer(),
            reader.Word(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
