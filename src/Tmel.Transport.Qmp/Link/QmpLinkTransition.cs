namespace Tmel.Transport.Qmp;

/// <summary>The outcome of one pass of the state machine.</summary>
/// <param name="State">The new state.</param>
/// <param name="Own">The new descriptor word (this side's RAM image).</param>
/// <param name="Write">Whether <paramref name="Own"/> must be written to the mailbox (and the doorbell rung).</param>
/// <param name="Events">What the link acts on.</param>
internal readonly record struct QmpLinkTransition(QmpLinkState State, QmpDescriptor Own, bool Write, QmpLinkEvents Events);
