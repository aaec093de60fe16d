namespace Tmel.Transport.Qmp;

/// <summary>Everything <see cref="QmpLinkStateMachine.Next"/> decides from: this side's state and word, and the peer's word.</summary>
/// <param name="State">This side's state.</param>
/// <param name="Role">Which side this is.</param>
/// <param name="Closing">The local side closed the channel for shutdown (it is not reopened).</param>
/// <param name="TxAwaitingAck">A fragment of ours is in the mailbox and not yet taken.</param>
/// <param name="RxReady">A whole message of the peer's waits to be consumed (no new fragment is taken meanwhile).</param>
/// <param name="Own">This side's descriptor word (its RAM image, which may hold a lazy ack not yet written).</param>
/// <param name="Peer">The peer's descriptor word as just read.</param>
internal readonly record struct QmpLinkInput(
    QmpLinkState State,
    QmpRole Role,
    bool Closing,
    bool TxAwaitingAck,
    bool RxReady,
    QmpDescriptor Own,
    QmpDescriptor Peer);
