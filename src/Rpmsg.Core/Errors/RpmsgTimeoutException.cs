namespace Rpmsg.Core;

/// <summary>A wait timed out: for a send (<see cref="RpmsgError.TxTimeout"/>: no room, or a fragment the peer never took) the message
/// was not delivered; for a request (<see cref="RpmsgError.ResponseTimeout"/>) it was delivered but never answered; for a request
/// that waited for an earlier request's late reply (<see cref="RpmsgError.LateReplyPending"/>) it was not sent; for a send the peer
/// took but never confirmed (<see cref="RpmsgError.DeliveryUnconfirmed"/>) it may have been delivered.</summary>
public sealed class RpmsgTimeoutException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeout">The timeout that elapsed.</param>
    public RpmsgTimeoutException(TimeSpan timeout)
        : base(RpmsgError.TxTimeout, $"No transmit room became free within {timeout.TotalMilliseconds:0.###} ms; the message was not sent.")
        => Timeout = timeout;

    /// <summary>Initializes a new instance with a message of its own.</summary>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="message">What timed out, and what became of the message.</param>
    public RpmsgTimeoutException(TimeSpan timeout, string message)
        : base(RpmsgError.TxTimeout, message)
        => Timeout = timeout;

    /// <summary>Initializes a new instance for a wait other than for transmit room.</summary>
    /// <param name="error"><see cref="RpmsgError.TxTimeout"/>, <see cref="RpmsgError.ResponseTimeout"/>, <see cref="RpmsgError.LateReplyPending"/> or <see cref="RpmsgError.DeliveryUnconfirmed"/>.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="message">What timed out, and what became of the message.</param>
    public RpmsgTimeoutException(RpmsgError error, TimeSpan timeout, string message)
        : base(error, message)
        => Timeout = timeout;

    /// <summary>Gets the timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
