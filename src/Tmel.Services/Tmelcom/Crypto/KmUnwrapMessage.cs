namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_UNWRAP struct: imports a wrapped key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     req.kw_key_id
///  8       4     req.wrapped_key.key
///  12      4     req.wrapped_key.length
///  16      4     req.cred_slot
///  20      4     resp.key_id
///  24      4     resp.status
///  28      4     seq_status.tme_error_status
///  32      4     seq_status.seq_error_status
///  36      4     seq_status.seq_kp_error_status0
///  40      4     seq_status.seq_kp_error_status1
///  44      4     seq_status.seq_rsp_status
///  total   48
/// </code>
/// </remarks>
/// <param name="KeyId">The requested key id. Sheet: <c>req.key_id</c>.</param>
/// <param name="WrappingKeyId">The handle of the key-wrapping key. Sheet: <c>req.kw_key_id</c>.</param>
/// <param name="WrappedKey">The wrapped blob. Sheet: <c>req.wrapped_key</c>.</param>
/// <param name="CredentialSlot">The credential slot; clients pass 0. Sheet: <c>req.cred_slot</c>.</param>
/// <param name="ResultKeyId">Out: the unwrapped key's handle. Sheet: <c>resp.key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmUnwrapMessage(
    uint KeyId,
    uint WrappingKeyId,
    TmelcomBuffer WrappedKey,
    uint CredentialSlot,
    uint ResultKeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmUnwrapMessage>
{
    /// <summary>UID 0x0706 (KM_UNWRAP).</summary>
    public const ushort Uid = 0x0706;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 48;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_UNWRAP";

    /// <inheritdoc/>
    public static int Encode(KmUnwrapMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Word(message.WrappingKeyId);
        writer.Buffer(message.WrappedKey);
        writer.Word(message.CredentialSlot);
        writer.Word(message.ResultKeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmUnwrapMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmUnwrapMessage(
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
