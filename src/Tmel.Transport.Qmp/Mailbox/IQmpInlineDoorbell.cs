namespace Tmel.Transport.Qmp;

/// <summary>
/// A doorbell whose waiter may be woken on the ringer's thread, when both agree that is safe: the waiter because its
/// continuation takes no lock and never blocks, the ringer because it holds no lock and may run the peer's work.
/// </summary>
/// <remarks>
/// <para>Offered by the in-memory window, where both sides live in one process: a ring then runs the peer's doorbell
/// watch at once instead of queuing it to the thread pool (one thread hop less per ring). The public
/// <see cref="IQmpMailbox.RingPeerDoorbell"/> never wakes inline, so every other ringer and waiter keeps queued
/// continuations.</para>
/// <para>The QMP link waits through it (its actor's watch is safe to run anywhere) and rings through it after its turns;
/// a message handed over by <c>TrySend</c> rings without it, since <c>TrySend</c> must return at once.</para>
/// </remarks>
internal interface IQmpInlineDoorbell
{
    /// <summary>Rings the peer; its waiter resumes on this thread if it allows it and <paramref name="allowInlineWake"/> is set.</summary>
    /// <param name="allowInlineWake">Whether the peer's waiter may run on this thread now.</param>
    void RingPeerDoorbell(bool allowInlineWake);

    /// <summary>Waits until the peer rings this side's doorbell.</summary>
    /// <param name="inlineWakeSafe">Whether the continuation may run on the ringer's thread.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when the doorbell rang.</returns>
    ValueTask WaitForDoorbellAsync(bool inlineWakeSafe, CancellationToken cancellationToken);
}
