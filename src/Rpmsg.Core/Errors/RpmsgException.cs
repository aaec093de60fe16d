namespace Rpmsg.Core;

/// <summary>The base of every rpmsg failure; <see cref="Error"/> says which one.</summary>
/// <remarks>
/// Subtypes exist only where a caller reacts differently: <see cref="RpmsgTimeoutException"/>,
/// <see cref="RpmsgEndpointClosedException"/> and <see cref="RpmsgProtocolException"/>.
/// Cancellation through the caller's token is always an <see cref="OperationCanceledException"/>, never this type.
/// </remarks>
public class RpmsgException : Exception
{
    /// <summary>Initializes a new instance with an error kind and a message.</summary>
    /// <param name="error">What failed.</param>
    /// <param name="message">A sentence describing the failure.</param>
    public RpmsgException(RpmsgError error, string message)
        : base(message) => Error = error;

    /// <summary>Initializes a new instance with an error kind, a message and the underlying cause.</summary>
    /// <param name="error">What failed.</param>
    /// <param name="message">A sentence describing the failure.</param>
    /// <param name="innerException">The underlying cause.</param>
    public RpmsgException(RpmsgError error, string message, Exception? innerException)
        : base(message, innerException) => Error = error;

    /// <summary>Gets what failed.</summary>
    public RpmsgError Error { get; }
}
