namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_ECC_GET_PUBKEY/HCS_ECDH_GET_PUBKEY struct: exports the public half of an ECC (0x0B07) or ECDH (0x0B08) key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.curve_id
///  4       4     req.prv_key_id
///  8       4     resp.pub_key.buf
///  12      4     resp.pub_key.length
///  16      4     resp.pub_key.length_used
///  20      4     resp.status
///  24      4     seq_status.tme_error_status
///  28      4     seq_status.seq_error_status
///  32      4     seq_status.seq_kp_error_status0
///  36      4     seq_status.seq_kp_error_status1
///  40      4     seq_status.seq_rsp_status
///  total   44
/// </code>
/// </remarks>
/// <param name="Curve">The <see cref="TmeCurve"/>. Sheet: <c>req.curve_id</c>.</param>
/// <param name="PrivateKeyId">The private key handle. Sheet: <c>req.prv_key_id</c>.</param>
/// <param name="PublicKey">The public-key output buffer. Sheet: <c>resp.pub_key</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsEccPublicKeyMessage(
    uint Curve,
    uint PrivateKeyId,
    TmelcomOutBuffer PublicKey,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsEccPublicKeyMessage>
{
    /// <summary>UID 0x0B07 (HCS_ECC_GET_PUBKEY).</summary>
    public const ushort EccUid = 0x0B07;

    /// <summary>UID 0x0B08 (HCS_ECDH_GET_PUBKEY).</summary>
    public const ushort EcdhUid = 0x0B08;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 44;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_ECC_GET_PUBKEY/HCS_ECDH_GET_PUBKEY";

    /// <inheritdoc/>
    public static int Encode(HcsEccPublicKeyMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Curve);
        writer.Word(message.PrivateKeyId);
        writer.OutBuffer(message.PublicKey);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsEccPublicKeyMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsEccPublicKeyMessage(
            reader.Word(),
            reader.Word(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
