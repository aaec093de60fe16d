using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp;

/// <summary>
/// Settings of the QMP transport (configuration section <c>Tmel:Qmp</c>): the RFC's timeouts, which every <see cref="QmpLink"/>
/// reads, and the shared-memory region and bring-up retries, which the hosted transport (<c>UseQmp</c>) reads. One type with one
/// validation, the source-generated validator of its attributes (docs/hosting.md).
/// </summary>
public sealed class QmpTransportOptions : IValidatableObject
{
    private static readonly QmpTransportOptionsValidator s_validator = new();

    /// <summary>Gets or sets how long one bring-up attempt waits for the peer's link level (the RFC's QMP_TOUT_MS).</summary>
    /// <value>Default 1000 ms; from 1 ms to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan LinkUpTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long one bring-up attempt then waits for the channel to open (the RFC's QMP_TOUT_MS); also the wait for the peer's acknowledgement of a close.</summary>
    /// <value>Default 1000 ms; from 1 ms to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ChannelOpenTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long a sent fragment may wait for the peer's tx_ack before the doorbell is rung again (the RFC's and V2's tx timeout).</summary>
    /// <value>Default 1000 ms; from 1 ms to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan FragmentTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long a sent message may wait for the peer's rx_done once its last fragment was taken; then the channel is reset and the send fails (the message may have been delivered).</summary>
    /// <value>Default 5000 ms; from 1 ms to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan ConsumeTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>Gets or sets the delay before the second bring-up attempt; it doubles after each failed attempt up to <see cref="BringUpMaxRetryDelay"/>.</summary>
    /// <value>Default 100 ms; from 1 ms to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan BringUpRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest delay between bring-up attempts.</summary>
    /// <value>Default 5 s; from 1 ms to 10 minutes, and not below <see cref="BringUpRetryDelay"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BringUpMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the size of the shared-memory (SRAM/DMA) region in bytes.</summary>
    /// <value>Default <see cref="QmpSharedMemoryRegion.DefaultSize"/> (4 MiB); a multiple of 8 from 8 bytes to 16 MiB.</value>
    [Range(QmpSharedMemoryRegion.Alignment, QmpSharedMemoryRegion.MaxSize)]
    public int SharedMemorySize { get; set; } = QmpSharedMemoryRegion.DefaultSize;

    /// <summary>Gets or sets the bus address of the shared-memory region's first byte.</summary>
    /// <value>Default 0x86000000; non-zero, a multiple of 8, and low enough that the region ends below 4 GiB.</value>
    public uint SharedMemoryBaseAddress { get; set; } = QmpSharedMemoryRegion.DefaultBaseBusAddress;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (SharedMemorySize % QmpSharedMemoryRegion.Alignment != 0)
        {
            yield return new ValidationResult($"SharedMemorySize must be a multiple of {QmpSharedMemoryRegion.Alignment}.", [nameof(SharedMemorySize)]);
        }

        if (SharedMemoryBaseAddress == 0 || SharedMemoryBaseAddress % QmpSharedMemoryRegion.Alignment != 0
            || (ulong)SharedMemoryBaseAddress + (ulong)Math.Max(SharedMemorySize, 0) > uint.MaxValue + 1UL)
        {
            yield return new ValidationResult("SharedMemoryBaseAddress must be non-zero, a multiple of 8, and leave the region below 4 GiB.", [nameof(SharedMemoryBaseAddress)]);
        }

        if (BringUpMaxRetryDelay < BringUpRetryDelay)
        {
            yield return new ValidationResult("BringUpMaxRetryDelay must not be below BringUpRetryDelay.", [nameof(BringUpMaxRetryDelay)]);
        }
    }

    /// <summary>Runs the source-generated validator (the same one the host runs at start) for code that takes the options directly.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is rejected; its name is the parameter name, and the message lists every failure.</exception>
    internal void ThrowIfInvalid()
    {
        ValidateOptionsResult result = s_validator.Validate(null, this);
        if (result.Failed)
        {
            // The generated validator writes each failure as "<Setting>: <reason>".
            string first = result.Failures!.First();
            int colon = first.IndexOf(':', StringComparison.Ordinal);
            throw new ArgumentOutOfRangeException(colon > 0 ? first[..colon] : null, result.FailureMessage);
        }
    }
}
