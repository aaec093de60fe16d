namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KM_EXPORT_ECDH_IP struct: derives and exports an ECDH IP-protection public key (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     req.feature_id
///  4       4     req.key_id
///  8       4     rsp.rsp_buf.data
///  12      4     rsp.rsp_buf.len
///  16      4     rsp.rsp_buf.len_used
///  20      4     rsp.status
///  24      4     rsp.seq_status.tmel_err_status
///  28      4     rsp.seq_status.seq_err_status
///  32      4     rsp.seq_status.seq_kp_err_status0
///  36      4     rsp.seq_status.seq_kp_err_status1
///  40      4     rsp.seq_status.seq_rsp_status
///  total   44
/// </code>
/// </remarks>
/// <param name="FeatureId">The feature id; the only client leaves it 0. Sheet: <c>req.feature_id</c>.</param>
/// <param name="KeyId">The source key id: 0x8 (QTI class key) or 0xC (OEM product seed). Sheet: <c>req.key_id</c>.</param>
/// <param name="PublicKey">The public-key output buffer (the client gives 96 bytes). Sheet: <c>rsp.rsp_buf</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>rsp.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct KmExportEcdhIpMessage(
    uint FeatureId,
    uint KeyId,
    TmelcomOutBuffer PublicKey,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<KmExportEcdhIpMessage>
{
    /// <summary>UID 0x0708 (KM_EXPORT_ECDH_IP).</summary>
    public const ushort Uid = 0x0708;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 44;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "KM_EXPORT_ECDH_IP";

    /// <inheritdoc/>
    public static int Encode(KmExportEcdhIpMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.FeatureId);
        writer.Word(message.KeyId);
        writer.OutBuffer(message.PublicKey);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static KmExportEcdhIpMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new KmExportEcdhIpMessage(
            reader.Word(),
            reader.Word(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
