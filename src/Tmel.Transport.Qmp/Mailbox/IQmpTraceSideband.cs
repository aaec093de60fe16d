using System.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>
/// An out-of-band path beside a mailbox window for the sender's trace context: the 32-byte window has no room for it,
/// and the wire format never changes for tracing. A mailbox that offers it lets a receive span be a child of the send span.
/// </summary>
/// <remarks>One message is in flight per direction and the sender posts before its first fragment, so one slot per
/// direction suffices: the receiver takes it after the last fragment, before its rx_done lets the next message start.</remarks>
internal interface IQmpTraceSideband
{
    /// <summary>Posts the context of the message this side is about to send (default clears it).</summary>
    void PostSenderContext(ActivityContext context);

    /// <summary>Takes the context the peer posted for the message just received; default when none.</summary>
    ActivityContext TakePeerSenderContext();
}
