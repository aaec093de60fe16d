namespace Tmel.Transport.Qmp;

/// <summary>The faults a <see cref="QmpFaultInjectingMailbox"/> injects (docs/reliability.md).</summary>
public enum QmpFaultKind
{
    /// <summary>A doorbell ring to the peer is swallowed: the peer is not interrupted.</summary>
    LostRing,

    /// <summary>A doorbell ring to the peer is rung twice.</summary>
    DuplicatedRing,

    /// <summary>A doorbell ring to the peer arrives only after <see cref="QmpFaultInjectionOptions.RingDelay"/>.</summary>
    DelayedRing,

    /// <summary>The peer stalls: for <see cref="QmpFaultInjectionOptions.StallDuration"/> no ring reaches either side (they
    /// arrive, collapsed into one, when the stall ends).</summary>
    StalledPeer,

    /// <summary>The peer's link resets in the middle of a multi-fragment message: its mailbox reads as cleared (link down)
    /// and both sides' channels reset before the link comes back.</summary>
    PeerLinkReset,

    /// <summary>The peer's channel resets: its mailbox reads with <c>ch_state</c> cleared and both sides' channels reset
    /// before it reopens.</summary>
    PeerChannelReset,

    /// <summary>A fragment's <c>frag_size</c> is written as 25, over the 24-byte maximum.</summary>
    BadFragmentSize,

    /// <summary>A fragment's <c>rem_frag_count</c> is written out of sequence.</summary>
    FragmentCountOutOfSequence,

    /// <summary>A non-final fragment's <c>tx</c> toggle reaches the mailbox without its data (<c>frag_size</c> 0, payload cleared).</summary>
    ToggleWithoutData,

    /// <summary>One payload byte of a fragment (mailbox bytes 4..27, never the descriptor) is changed; QMP carries no checksum,
    /// so the peer delivers it as it is.</summary>
    CorruptedPayload,
}
