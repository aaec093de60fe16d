namespace Rpmsg.Core;

/// <summary>Settings of an <see cref="RpmsgLoopback"/> link.</summary>
public sealed class RpmsgLoopbackOptions
{
    /// <summary>Gets or sets how many frames each direction holds before senders have to wait.</summary>
    /// <value>Default 16; at least 1.</value>
    public int TxQueueDepth { get; set; } = 16;

    /// <summary>Gets or sets the largest payload of one frame, in bytes.</summary>
    /// <value>Default 496, the MTU of Linux's virtio rpmsg (512-byte buffers less the 16-byte header).</value>
    public int Mtu { get; set; } = 496;

    /// <summary>Gets or sets the highest address a frame may carry.</summary>
    /// <value>Default 0xFFFFFFFE, everything but <see cref="RpmsgAddress.Any"/>.</value>
    public RpmsgAddress MaxAddress { get; set; } = new(uint.MaxValue - 1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TxQueueDepth, 1, nameof(TxQueueDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(Mtu, 1, nameof(Mtu));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddress.Value, RpmsgAddress.FirstDynamic.Value, nameof(MaxAddress));
        ArgumentOutOfRangeException.ThrowIfEqual(MaxAddress.Value, uint.MaxValue, nameof(MaxAddress));
    }
}
