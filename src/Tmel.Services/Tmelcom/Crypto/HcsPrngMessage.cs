namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The HCS_PRNG_GET struct: returns random bytes (tmelcom-services.md §3.4/§3.5).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     input.length
///  4       4     output.prng_buf.pdata
///  8       4     output.prng_buf.length
///  12      4     output.prng_buf.length_used
///  16      4     output.status
///  20      4     seq_status.tme_error_status
///  24      4     seq_status.seq_error_status
///  28      4     seq_status.seq_kp_error_status0
///  32      4     seq_status.seq_kp_error_status1
///  36      4     seq_status.seq_rsp_status
///  total   40
/// </code>
/// </remarks>
/// <param name="Length">The number of random bytes wanted (at most 512). Sheet: <c>input.length</c>.</param>
/// <param name="Output">The output buffer. Sheet: <c>output.prng_buf</c>.</param>
/// <param name="Status">Out: the <see cref="TmeStatus"/>. Sheet: <c>output.status</c>.</param>
/// <param name="Sequencer">Out: the five <c>seq_status</c> words.</param>
public readonly record struct HcsPrngMessage(
    uint Length,
    TmelcomOutBuffer Output,
    uint Status,
    TmeSequencerStatus Sequencer) : ITmeCryptoMessage<HcsPrngMessage>
{
    /// <summary>UID 0x0B0C (HCS_PRNG_GET).</summary>
    public const ushort Uid = 0x0B0C;

    /// <summary>The struct's size in bytes.</summary>
    public const int MessageSize = 40;

    /// <inheritdoc/>
    public static int Size => MessageSize;

    /// <inheritdoc/>
    public static string Name => "HCS_PRNG_GET";

    /// <inheritdoc/>
    public static int Encode(HcsPrngMessage message, Span<byte> destination)
    {
        TmelcomWordWriter writer = TmeCryptoCodec.Writer(destination, MessageSize);
        writer.Word(message.Length);
        writer.OutBuffer(message.Output);
        writer.Word(message.Status);
        writer.Sequencer(message.Sequencer);
        return MessageSize;
    }

    /// <inheritdoc/>
    public static HcsPrngMessage Decode(ReadOnlySpan<byte> message)
    {
        TmelcomWordReader reader = TmeCryptoCodec.Reader(message, MessageSize, Name);
        return new HcsPrngMessage(
            reader.Word(),
            reader.OutBuffer(),
            reader.Word(),
            reader.Sequencer());
    }
}
