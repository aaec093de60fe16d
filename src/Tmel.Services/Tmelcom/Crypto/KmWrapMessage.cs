namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_WRAP struct: exports a key wrapped under a key-wrapping key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     req.kw_key_id
///  8       4     req.cred_slot
///  12      4     resp.wrapped_key.key
///  16      4     resp.wrapped_key.length
///  20      4     resp.status
///  24      4     seq_status.tme_error_status
///  28      4     seq_status.seq_error_status
///  32      4     seq_status.seq_kp_error_status0
///  36      4     seq_status.seq_kp_error_status1
///  40      4     seq_status.seq_rsp_status
///  total   44
/// </code>
/// </remarks>
/// <param name="KeyId">The handle of the key to wrap. Sheet: <c>req.key_id</c>.</param>
/// <param name="WrappingKeyId">The handle of the key-wrapping key. Sheet: <c>req.kw_key_id</c>.</param>
/// <param name="CredentialSlot">The credential slot; clients pass 0. Sheet: <c>req.cred_slot</c>.</param>
/// <param name="WrappedKey">The client's buffer for the wrapped blob (BUF_IN: TME-L never changes these words; there is no used-length word). Sheet: <c>resp.wrapped_key</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmWrapMessage(
    uint KeyId,
    uint WrappingKeyId,
    uint CredentialSlot,
    TmelcomBuffer WrappedKey,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmWrapMessage>
{
    /// <summary>UID 0x0705 (KM_WRAP).</summary>
    public const ushort Uid = 0x0705;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 44;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_WRAP";

    /// <inheritdoc/>
    public static int Encode(KmWrapMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Word(message.WrappingKeyId);
        writer.Word(message.CredentialSlot);
        writer.Buffer(message.WrappedKey);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmWrapMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmWrapMessage(
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Buffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
