using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>The QMP link or channel failed to come up, or failed; <see cref="State"/> says where it stood.</summary>
public sealed class QmpLinkException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="state">The link's state when it failed.</param>
    /// <param name="message">What failed.</param>
    public QmpLinkException(QmpLinkState state, string message)
        : base(RpmsgError.LinkDown, message) => State = state;

    /// <summary>Gets the link's state when it failed.</summary>
    public QmpLinkState State { get; }
}
