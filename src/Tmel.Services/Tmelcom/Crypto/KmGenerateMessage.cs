namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_GENERATE struct: generates a key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     req.policy.low
///  8       4     req.policy.high
///  12      4     req.cred_slot
///  16      4     resp.key_id
///  20      4     resp.status
///  24      4     seq_status.tme_error_status
///  28      4     seq_status.seq_error_status
///  32      4     seq_status.seq_kp_error_status0
///  36      4     seq_status.seq_kp_error_status1
///  40      4     seq_status.seq_rsp_status
///  total   44
/// </code>
/// </remarks>
/// <param name="KeyId">The requested key id, or <see cref="TmeCryptoIds.KeyIdAllocate"/>. Sheet: <c>req.key_id</c>.</param>
/// <param name="Policy">The new key's policy. Sheet: <c>req.policy</c>.</param>
/// <param name="CredentialSlot">The credential slot; clients pass 0. Sheet: <c>req.cred_slot</c>.</param>
/// <param name="ResultKeyId">Out: the new key's handle. Sheet: <c>resp.key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmGenerateMessage(
    uint KeyId,
    TmeKeyPolicy Policy,
    uint CredentialSlot,
    uint ResultKeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmGenerateMessage>
{
    /// <summary>UID 0x0703 (KM_GENERATE).</summary>
    public const ushort Uid = 0x0703;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 44;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_GENERATE";

    /// <inheritdoc/>
    public static int Encode(KmGenerateMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Policy(message.Policy);
        writer.Word(message.CredentialSlot);
        writer.Word(message.ResultKeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmGenerateMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmGenerateMessage(
            reader.Word(),
            reader.Policy(),
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
