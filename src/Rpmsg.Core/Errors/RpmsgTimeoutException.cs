namespace Rpmsg.Core;

/// <summary>A transmit wait timed out (no room, or a fragment the peer never took); the message was not delivered.</summary>
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

    /// <summary>Gets the timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
