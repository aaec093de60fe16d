namespace Tmel.Transport.Qmp;

/// <summary>What one pass of <see cref="QmpLinkStateMachine.Next"/> found, for the link to act on (complete waiters, take a fragment, notify).</summary>
[Flags]
internal enum QmpLinkEvents
{
    /// <summary>Nothing beyond the new state and word.</summary>
    None = 0,

    /// <summary>Both link levels are up: link-up waiters complete.</summary>
    LinkUp = 1 << 0,

    /// <summary>The peer's link level dropped: everything the channel carried ends.</summary>
    PeerLinkDown = 1 << 1,

    /// <summary>The peer cleared its channel level: everything the channel carried ends.</summary>
    PeerChannelDown = 1 << 2,

    /// <summary>Both channels are open and acknowledged: messages flow.</summary>
    ChannelConnected = 1 << 3,

    /// <summary>The peer copied our <c>tx</c> into its <c>tx_ack</c>: our fragment was taken.</summary>
    FragmentTaken = 1 << 4,

    /// <summary>The peer flipped <c>rx_done</c>: it consumed a message of ours (or, from the RFC driver, a fragment).</summary>
    PeerRxDone = 1 << 5,

    /// <summary>The peer flipped <c>tx</c>: a new fragment waits in its mailbox and was acked in the new word.</summary>
    FragmentArrived = 1 << 6,

    /// <summary>The peer acknowledged our channel close; the link level stays up and the channel stays closed.</summary>
    CloseAcknowledged = 1 << 7,
}
