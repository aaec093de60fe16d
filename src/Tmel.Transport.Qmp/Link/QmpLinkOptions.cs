namespace Tmel.Transport.Qmp;

/// <summary>Settings of a <see cref="QmpLink"/>.</summary>
public sealed class QmpLinkOptions
{
    /// <summary>Gets or sets how long <see cref="QmpLink.WaitForChannelAsync"/> waits for the link to come up (the RFC's QMP_TOUT_MS).</summary>
    /// <value>Default 1000 ms.</value>
    public TimeSpan LinkUpTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long <see cref="QmpLink.WaitForChannelAsync"/> then waits for the channel to open (the RFC's QMP_TOUT_MS).</summary>
    /// <value>Default 1000 ms.</value>
    public TimeSpan ChannelOpenTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long a sent fragment may wait for the peer's tx_ack (the RFC's and V2's tx timeout).</summary>
    /// <value>Default 1000 ms. After one period the doorbell is rung again (a lost doorbell); after a second the channel is reset
    /// and the send fails with <see cref="Rpmsg.Core.RpmsgTimeoutException"/>.</value>
    public TimeSpan FragmentTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Gets or sets how long a sent message may wait for the peer's rx_done once its last fragment was taken.</summary>
    /// <value>Default 5000 ms. Then the channel is reset (so a late rx_done is never credited to another message) and the send
    /// fails with <see cref="QmpLinkException"/> (<see cref="QmpLinkFailure.ConsumeTimeout"/>): the message may have been delivered.</value>
    public TimeSpan ConsumeTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConsumeTimeout, TimeSpan.Zero, nameof(ConsumeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FragmentTimeout, TimeSpan.Zero, nameof(FragmentTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LinkUpTimeout, TimeSpan.Zero, nameof(LinkUpTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChannelOpenTimeout, TimeSpan.Zero, nameof(ChannelOpenTimeout));
    }
}
