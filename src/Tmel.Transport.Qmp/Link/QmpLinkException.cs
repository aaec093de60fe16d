using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>The QMP link or channel failed to come up, or failed; <see cref="Reason"/> says how and <see cref="State"/> where it stood.</summary>
/// <remarks><see cref="QmpRpmsgTransport"/> maps a failure of a send to Rpmsg.Core's exceptions, so bus users see those.</remarks>
public sealed class QmpLinkException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="state">The link's state when it failed.</param>
    /// <param name="reason">Why it failed.</param>
    /// <param name="message">What failed.</param>
    /// <param name="mayHaveBeenDelivered">Whether the message concerned may have reached the peer's consumer.</param>
    public QmpLinkException(QmpLinkState state, QmpLinkFailure reason, string message, bool mayHaveBeenDelivered = false)
        : base(RpmsgError.LinkDown, message)
    {
        State = state;
        Reason = reason;
        MayHaveBeenDelivered = mayHaveBeenDelivered;
    }

    /// <summary>Gets the link's state when it failed.</summary>
    public QmpLinkState State { get; }

    /// <summary>Gets why the link failed.</summary>
    public QmpLinkFailure Reason { get; }

    /// <summary>Gets a value indicating whether the message concerned may have been delivered (the peer took its last fragment); <see langword="false"/> when it certainly was not, or no message was concerned.</summary>
    public bool MayHaveBeenDelivered { get; }
}
