namespace Rpmsg.Core;

/// <summary>Bytes received from the peer did not follow the wire format.</summary>
public sealed class RpmsgProtocolException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What was wrong with the bytes.</param>
    public RpmsgProtocolException(string message)
        : base(RpmsgError.ProtocolError, message)
    {
    }
}
