namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_ECC_SIGN_DIGEST/HCS_ECC_SIGN_MSG struct: signs a digest (0x0B03) or a message (0x0B04) with an ECC private key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.curve_id
///  4       4     req.prv_key_id
///  8       4     req.hash_algo
///  12      4     req.msg.buf
///  16      4     req.msg.buf_len
///  20      4     resp.sig.buf
///  24      4     resp.sig.length
///  28      4     resp.sig.length_used
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
/// <param name="PrivateKeyId">The private key handle. Sheet: <c>req.prv_key_id</c>.</param>
/// <param name="HashAlgorithm">The <see cref="TmeHashAlgorithm"/> of a message; 0 when the input is a digest. Sheet: <c>req.hash_algo</c>.</param>
/// <param name="Input">The message or digest. Sheet: <c>req.msg</c>.</param>
/// <param name="Signature">The signature output buffer. Sheet: <c>resp.sig</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsEccSignMessage(
    uint Curve,
    uint PrivateKeyId,
    uint HashAlgorithm,
    TmelcomBuffer Input,
    TmelcomOutBuffer Signature,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsEccSignMessage>
{
    /// <summary>UID 0x0B03 (HCS_ECC_SIGN_DIGEST).</summary>
    public const ushort DigestUid = 0x0B03;

    /// <summary>UID 0x0B04 (HCS_ECC_SIGN_MSG).</summary>
    public const ushort MessageUid = 0x0B04;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 56;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_ECC_SIGN_DIGEST/HCS_ECC_SIGN_MSG";

    /// <inheritdoc/>
    public static int Encode(HcsEccSignMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Curve);
        writer.Word(message.PrivateKeyId);
        writer.Word(message.HashAlgorithm);
        writer.Buffer(message.Input);
        writer.OutBuffer(message.Signature);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsEccSignMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsEccSignMessage(
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
