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

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LinkUpTimeout, TimeSpan.Zero, nameof(LinkUpTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChannelOpenTimeout, TimeSpan.Zero, nameof(ChannelOpenTimeout));
    }
}
