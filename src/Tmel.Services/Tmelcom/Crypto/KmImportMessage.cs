namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_IMPORT struct: imports a plaintext key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     req.key_policy.low
///  8       4     req.key_policy.high
///  12      4     req.key_material.buf
///  16      4     req.key_material.buf_len
///  20      4     req.cred_slot
///  24      4     resp.key_id
///  28      4     resp.status
///  32      4     seq_status.tme_error_status
///  36      4     seq_status.seq_error_status
///  40      4     seq_status.seq_kp_error_status0
///  44      4     seq_status.seq_kp_error_status1
///  48      4     seq_status.seq_rsp_status
///  total   52
/// </code>
/// </remarks>
/// <param name="KeyId">The requested key id, or <see cref="TmeCryptoIds.KeyIdAllocate"/>. Sheet: <c>req.key_id</c>.</param>
/// <param name="Policy">The new key's policy. Sheet: <c>req.key_policy</c>.</param>
/// <param name="KeyMaterial">The plaintext key, most significant byte first (at most 68 bytes). Sheet: <c>req.key_material</c>.</param>
/// <param name="CredentialSlot">The credential slot; clients pass 0. Sheet: <c>req.cred_slot</c>.</param>
/// <param name="ResultKeyId">Out: the new key's handle. Sheet: <c>resp.key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmImportMessage(
    uint KeyId,
    TmeKeyPolicy Policy,
    TmelcomBuffer KeyMaterial,
    uint CredentialSlot,
    uint ResultKeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmImportMessage>
{
    /// <summary>UID 0x0702 (KM_IMPORT).</summary>
    public const ushort Uid = 0x0702;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 52;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_IMPORT";

    /// <inheritdoc/>
    public static int Encode(KmImportMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Policy(message.Policy);
        writer.Buffer(message.KeyMaterial);
        writer.Word(message.CredentialSlot);
        writer.Word(message.ResultKeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmImportMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmImportMessage(
            reader.Word(),
            reader.Policy(),
            reader.Buffer(),
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
