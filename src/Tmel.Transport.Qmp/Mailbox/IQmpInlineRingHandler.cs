namespace Tmel.Transport.Qmp;

/// <summary>
/// Handles the rings of an <see cref="IQmpInlineDoorbell"/> on the ringer's thread, as an interrupt handler runs on the
/// interrupted core; it takes no lock and never blocks.
/// </summary>
/// <remarks>
/// A handler that owns something only one thread may hold at a time (the QMP link's actor) may keep it between its rings
/// of one <see cref="QmpInlineRingLoop"/> (<see cref="IQmpInlineDoorbell.TryKeepAndRingPeer"/>) instead of letting go and taking it again for the
/// next ring: the thread then hands it back with that ring, or lets it go before the loop ends and before any other code
/// runs on the thread.
/// </remarks>
internal interface IQmpInlineRingHandler
{
    /// <summary>Handles one ring.</summary>
    /// <param name="loop">The thread's loop of inline rings, which runs this handler (see <see cref="IQmpInlineDoorbell.TryKeepAndRingPeer"/>).</param>
    /// <param name="kept">Whether this thread still holds what the handler kept at its last ring of this loop.</param>
    void OnInlineRing(QmpInlineRingLoop loop, bool kept);

    /// <summary>Lets go of what the handler kept; work posted to it meanwhile must still be done.</summary>
    /// <param name="runPostedOn">The loop on which that work may run now, on this thread (and keep the actor again);
    /// <see langword="null"/> when this thread is about to run other code: the work then goes to the thread pool.</param>
    void LetGo(QmpInlineRingLoop? runPostedOn);
}
