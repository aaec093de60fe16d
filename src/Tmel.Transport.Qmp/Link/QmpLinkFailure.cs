namespace Tmel.Transport.Qmp;

/// <summary>Why a <see cref="QmpLinkException"/> was thrown.</summary>
public enum QmpLinkFailure
{
    /// <summary>The peer did not raise its link level within <see cref="QmpTransportOptions.LinkUpTimeout"/>.</summary>
    LinkUpTimeout = 1,

    /// <summary>The channel did not open within <see cref="QmpTransportOptions.ChannelOpenTimeout"/>.</summary>
    ChannelOpenTimeout,

    /// <summary>
    /// The peer took the message's last fragment but did not flip <c>rx_done</c> within <see cref="QmpTransportOptions.ConsumeTimeout"/>;
    /// the channel was reset. The message may have been delivered (<see cref="QmpLinkException.MayHaveBeenDelivered"/>).
    /// </summary>
    ConsumeTimeout,
}
