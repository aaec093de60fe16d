namespace Tmel.Transport.Qmp;

/// <summary>Why a <see cref="QmpLinkException"/> was thrown.</summary>
public enum QmpLinkFailure
{
    /// <summary>The peer did not raise its link level within <see cref="QmpLinkOptions.LinkUpTimeout"/>.</summary>
    LinkUpTimeout = 1,

    /// <summary>The channel did not open within <see cref="QmpLinkOptions.ChannelOpenTimeout"/>.</summary>
    ChannelOpenTimeout,

    /// <summary>
    /// The peer took the message's last fragment but did not flip <c>rx_done</c> within <see cref="QmpLinkOptions.ConsumeTimeout"/>;
    /// the channel was reset. The message may have been delivered (<see cref="QmpLinkException.MayHaveBeenDelivered"/>).
    /// </summary>
    ConsumeTimeout,
}
