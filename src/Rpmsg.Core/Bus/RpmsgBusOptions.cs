namespace Rpmsg.Core;

/// <summary>Settings of an <see cref="RpmsgBus"/>.</summary>
public sealed class RpmsgBusOptions
{
    /// <summary>Gets or sets how long a waiting send may wait for transmit room before it fails with <see cref="RpmsgTimeoutException"/>.</summary>
    /// <value>Default 1000 ms; positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</value>
    public TimeSpan TxTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets the default capacity of an endpoint's receive queue; a full queue makes delivery wait for the reader, up to <see cref="ReceiveQueueFullTimeout"/>.</summary>
    /// <value>Default 64; at least 1.</value>
    public int ReceiveQueueCapacity { get; set; } = 64;

    /// <summary>Gets or sets how long delivery waits for room in an endpoint's full receive queue before it drops the message and counts it.</summary>
    /// <value>Default 100 ms; <see cref="TimeSpan.Zero"/> drops at once; never infinite. While delivery waits, the transport's
    /// receive direction waits with it (one message at a time), so this bounds the stall one slow reader can cause.</value>
    public TimeSpan ReceiveQueueFullTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets how many name-service announcements and link changes may wait to be processed before the transport is held back.</summary>
    /// <value>Default 256; at least 1.</value>
    public int LifecycleQueueCapacity { get; set; } = 256;

    internal void Validate()
    {
        if (TxTimeout != Timeout.InfiniteTimeSpan && TxTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TxTimeout), TxTimeout, "TxTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueCapacity, 1, nameof(ReceiveQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueFullTimeout, TimeSpan.Zero, nameof(ReceiveQueueFullTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(LifecycleQueueCapacity, 1, nameof(LifecycleQueueCapacity));
    }
}
