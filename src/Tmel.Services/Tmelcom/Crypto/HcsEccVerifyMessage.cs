namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_ECC_VERIFY_DIGEST/HCS_ECC_VERIFY_MSG struct: verifies a signature over a digest (0x0B05) or a message (0x0B06); the result is the status (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.curve_id
///  4       4     req.pub_key.buf
///  8       4     req.pub_key.buf_len
///  12      4     req.hash_algo
///  16      4     req.msg.buf
///  20      4     req.msg.buf_len
///  24      4     req.sig.buf
///  28      4     req.sig.buf_len
///  32      4     resp.status
///  36      4     seq_status.tme_error_status
///  40      4     seq_status.seq_error_status
///  44      4     seq_status.seq_kp_error_status0
///  48      4     seq_status.seq_kp_error_status1
///  52      4     seq_status.seq_rsp_status
///  total   56
/// </code>
/// </remarks>
/// <param name="Curve">The <see cref="TmeCurve"/>. Sheet: <c>req.curve_id</c>.</param>
/// <param name="PublicKey">The public key. Sheet: <c>req.pub_key</c>.</param>
/// <param name="HashAlgorithm">The <see cref="TmeHashAlgorithm"/> of a message; 0 when the input is a digest. Sheet: <c>req.hash_algo</c>.</param>
/// <param name="Input">The message or digest. Sheet: <c>req.msg</c>.</param>
/// <param name="Signature">The signature. Sheet: <c>req.sig</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsEccVerifyMessage(
    uint Curve,
    TmelcomBuffer PublicKey,
    uint HashAlgorithm,
    TmelcomBuffer Input,
    TmelcomBuffer Signature,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsEccVerifyMessage>
{
    /// <summary>UID 0x0B05 (HCS_ECC_VERIFY_DIGEST).</summary>
    public const ushort DigestUid = 0x0B05;

    /// <summary>UID 0x0B06 (HCS_ECC_VERIFY_MSG).</summary>
    public const ushort MessageUid = 0x0B06;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 56;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_ECC_VERIFY_DIGEST/HCS_ECC_VERIFY_MSG";

    /// <inheritdoc/>
    public static int Encode(HcsEccVerifyMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Curve);
        writer.Buffer(message.PublicKey);
        writer.Word(message.HashAlgorithm);
        writer.Buffer(message.Input);
        writer.Buffer(message.Signature);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsEccVerifyMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsEccVerifyMessage(
            reader.Word(),
            reader.Buffer(),
            reader.Word(),
            reader.Buffer(),
            reader.Buffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
