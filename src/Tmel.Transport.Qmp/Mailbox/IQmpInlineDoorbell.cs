namespace Tmel.Transport.Qmp;

/// <summary>
/// A doorbell whose rings may be handled on the ringer's thread, when both agree that is safe: the handler because it takes
/// no lock and never blocks, the ringer because it holds no lock and may run the peer's work.
/// </summary>
/// <remarks>
/// <para>Offered by the in-memory window, where both sides live in one process: a ring that allows it calls the ringed
/// side's handler at once, as an interrupt calls its handler, instead of waking a waiter through the thread pool. Rings made
/// while a handler runs on the same thread are handled after it returns (a per-thread trampoline), so a stream of fragments
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
    void SetInlineRingHandler(Action? handler);
}
