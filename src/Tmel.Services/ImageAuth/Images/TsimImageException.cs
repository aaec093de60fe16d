namespace Tmel.Services.ImageAuth;

/// <summary>A TSIM-MBN7 tool (signer, identity store, image parser) was given a bad file or a value it cannot encode.</summary>
/// <remarks>
/// The message says what is wrong and never contains key material. The verifier never throws this: it reports a failed
/// check as a <see cref="TsimVerificationResult"/>.
/// </remarks>
public sealed class TsimImageException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TsimImageException()
        : base("The TSIM-MBN7 image or identity is invalid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the file or value.</param>
    public TsimImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    /// <param name="message">What is wrong with the file or value.</param>
    /// <param name="innerException">The underlying I/O, format or cryptographic exception.</param>
    public TsimImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
