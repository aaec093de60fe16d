namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_CLEAR struct: deletes a key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     resp.status
///  8       4     seq_status.tme_error_status
///  12      4     seq_status.seq_error_status
///  16      4     seq_status.seq_kp_error_status0
///  20      4     seq_status.seq_kp_error_status1
///  24      4     seq_status.seq_rsp_status
///  total   28
/// </code>
/// </remarks>
/// <param name="KeyId">The handle of the key to clear. Sheet: <c>req.key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmClearMessage(
    uint KeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmClearMessage>
{
    /// <summary>UID 0x0701 (KM_CLEAR).</summary>
    public const ushort Uid = 0x0701;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 28;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_CLEAR";

    /// <inheritdoc/>
    public static int Encode(KmClearMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmClearMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmClearMessage(
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
