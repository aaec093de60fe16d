namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_DERIVE struct: derives a key from a KDF spec (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.key_id
///  4       4     req.kdf_info.buf
///  8       4     req.kdf_info.buf_len
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
/// <param name="KeyId">The requested key id; every client passes <see cref="TmeCryptoIds.KeyIdAllocate"/>. Sheet: <c>req.key_id</c>.</param>
/// <param name="KdfSpec">The 232-byte <see cref="TmeKdfSpec"/>. Sheet: <c>req.kdf_info</c>.</param>
/// <param name="CredentialSlot">The credential slot; clients pass 0. Sheet: <c>req.cred_slot</c>.</param>
/// <param name="ResultKeyId">Out: the derived key's handle. Sheet: <c>resp.key_id</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>resp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmDeriveMessage(
    uint KeyId,
    TmelcomBuffer KdfSpec,
    uint CredentialSlot,
    uint ResultKeyId,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmDeriveMessage>
{
    /// <summary>UID 0x0704 (KM_DERIVE).</summary>
    public const ushort Uid = 0x0704;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 44;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_DERIVE";

    /// <inheritdoc/>
    public static int Encode(KmDeriveMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.KeyId);
        writer.Buffer(message.KdfSpec);
        writer.Word(message.CredentialSlot);
        writer.Word(message.ResultKeyId);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmDeriveMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmDeriveMessage(
            reader.Word(),
            reader.Buffer(),
            reader.Word(),
            reader.Word(),
            reader.Word(),
            reader.Sequencer());
    }
}
