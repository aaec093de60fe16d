namespace Tmel.Transport.Qmp;

/// <summary>The only hardware seam of QMP: one side's view of the two mailboxes and the two doorbells.</summary>
/// <remarks>
/// Each side writes only its own mailbox and reads only the peer's. Implementations: an in-memory window for two
/// sides in one process (<see cref="QmpInMemoryMailbox"/>); a shared-memory file or a UIO-mapped register window
/// would sit behind the same interface. One reader waits for the doorbell at a time (the link's receive loop).
/// </remarks>
public interface IQmpMailbox
{
    /// <summary>Gets the window offset of this side's own mailbox (<see cref="QmpMailboxLayout.LocalMailboxOffset"/> or <see cref="QmpMailboxLayout.RemoteMailboxOffset"/>).</summary>
    int OwnOffset { get; }

    /// <summary>Gets the window offset of the peer's mailbox.</summary>
    int PeerOffset { get; }

    /// <summary>Copies the peer's 32-byte mailbox; the descriptor is read first, with acquire semantics.</summary>
    /// <param name="destination">At least <see cref="QmpMailboxLayout.MailboxSize"/> bytes.</param>
    void ReadPeer(Span<byte> destination);

    /// <summary>Writes this side's 32-byte mailbox: bytes 4..31 first, then the descriptor with release semantics.</summary>
    /// <param name="mailbox">Exactly <see cref="QmpMailboxLayout.MailboxSize"/> bytes.</param>
    void WriteOwn(ReadOnlySpan<byte> mailbox);

    /// <summary>Rings the peer's doorbell (the RFC's interrupt to the other processor).</summary>
    void RingPeerDoorbell();

    /// <summary>Waits until the peer rings this side's doorbell; rings that arrived since the last wait complete it at once.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when the doorbell rang.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken);
}
