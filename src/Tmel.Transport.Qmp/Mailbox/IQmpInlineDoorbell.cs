namespace Tmel.Transport.Qmp;

/// <summary>
/// A doorbell whose rings may be handled on the ringer's thread, when both agree that is safe: the handler because it takes
/// no lock and never blocks, the ringer because it holds no lock and may run the peer's work.
/// </summary>
/// <remarks>
/// <para>Offered by the in-memory window, where both sides live in one process: a ring that allows it calls the ringed
/// side's handler at once, as an interrupt calls its handler, instead of waking a waiter through the thread pool. Rings made
/// while a handler runs on the same thread are handled after it returns (a per-thread loop, <see cref="QmpInlineRingLoop"/>, which may also keep both sides' actors between their turns), so a stream of fragments
/// ping-pongs between the two sides without the stack growing. The public <see cref="IQmpMailbox.RingPeerDoorbell"/> never
/// calls a handler, so every other ringer and waiter keeps waking the waiter as before.</para>
/// <para>The QMP link registers its actor's post as the handler and rings through it after its turns; a message handed over
/// by <c>TrySend</c> rings without it, since <c>TrySend</c> must return at once.</para>
/// </remarks>
internal interface IQmpInlineDoorbell
{
    /// <summary>Rings the peer; its handler runs on this thread if it has one and <paramref name="allowInlineWake"/> is set,
    /// otherwise its waiter is woken.</summary>
    /// <param name="allowInlineWake">Whether the peer's handler may run on this thread now.</param>
    void RingPeerDoorbell(bool allowInlineWake);

    /// <summary>Sets who handles this side's inline rings; <see langword="null"/> to wake the waiter for every ring again.</summary>
    /// <param name="handler">Takes no lock and never blocks.</param>
    void SetInlineRingHandler(IQmpInlineRingHandler? handler);

    /// <summary>While <paramref name="loop"/> runs <paramref name="handler"/> and the peer has an inline handler: keeps what <paramref name="handler"/>
    /// holds and rings the peer, whose handler runs on this thread after the running one. The peer's answer hands the kept
    /// actor back with its ring; otherwise the thread lets it go when no ring is left to handle, when a handler throws, or when
    /// <see cref="LetKeptGo"/> is called.</summary>
    /// <param name="handler">The handler whose actor this thread keeps.</param>
    /// <param name="loop">The loop that runs <paramref name="handler"/> now (given to <see cref="IQmpInlineRingHandler.OnInlineRing"/>).</param>
    /// <returns>Whether it was kept and the peer rung; false, and nothing done, when the peer has no inline handler.</returns>
    bool TryKeepAndRingPeer(IQmpInlineRingHandler handler, QmpInlineRingLoop loop);

    /// <summary>Lets go of everything this thread keeps, before code runs that may block or wait for a kept actor; work posted to
    /// a kept actor meanwhile goes to the thread pool.</summary>
    void LetKeptGo();
}
