namespace Rpmsg.Core;

/// <summary>No transmit room became free within the transmit timeout; the message was not sent.</summary>
public sealed class RpmsgTimeoutException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeout">The timeout that elapsed.</param>
    public RpmsgTimeoutException(TimeSpan timeout)
        : base(RpmsgError.TxTimeout, $"No transmit room became free within {timeout.TotalMilliseconds:0.###} ms; the message was not sent.")
        => Timeout = timeout;

    /// <summary>Gets the timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
