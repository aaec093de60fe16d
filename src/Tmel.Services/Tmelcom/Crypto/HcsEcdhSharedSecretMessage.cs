namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_ECDH_SHARED_SECRET struct: agrees an ECDH shared secret that stays inside as a new key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.curve_id
///  4       4     req.prv_key_id
///  8       4     req.shared_key_id
///  12      4     req.pub_key2.buf
///  16      4     req.pub_key2.buf_len
///  20      4     req.policy.low
///  24      4     req.policy.high
///  28      4     resp.shared_key_id
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
/// <param name="PrivateKeyId">The own private key handle. Sheet: <c>req.prv_key_id</c>.</param>
/// <param name="SharedKeyId">The requested handle for the result. Sheet: <c>req.shared_key_id</c>.</param>
/// <param name="PeerPublicKey">The peer's public key. Sheet: <c>req.pub_key2</c>.</param>
/// <param name="Policy">The policy of the shared-secret key. Sheet: <c>req.policy</c>.</param>
/// <param name="ResultKeyId">Out: the shared-secret key's handle. Sheet: <c>resp.shared_key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsEcdhSharedSecretMessage(
    uint Curve,
    uint PrivateKeyId,
    uint SharedKeyId,
    TmelcomBuffer PeerPublicKey,
    TmeKeyPolicy Policy,
    uint ResultKeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsEcdhSharedSecretMessage>
{
    /// <summary>UID 0x0B09 (HCS_ECDH_SHARED_SECRET).</summary>
    public const ushort Uid = 0x0B09;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 56;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_ECDH_SHARED_SECRET";

    /// <inheritdoc/>
    public static int Encode(HcsEcdhSharedSecretMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Curve);
        writer.Word(message.PrivateKeyId);
        writer.Word(message.SharedKeyId);
        writer.Buffer(message.PeerPublicKey);
        writer.Policy(message.Policy);
        writer.Word(message.ResultKeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsEcdhSharedSecretMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsEcdhSharedSecretMessage(
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.Policy(),
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
