namespace Tmel.Services.Attestation;

/// <summary>An attestation token was rejected; <see cref="Failure"/> says why.</summary>
public sealed class AttestationVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the token was rejected.</param>
    /// <param name="message">The reason in words.</param>
    public AttestationVerificationException(AttestationVerificationFailure failure, string message)
        : base(message) => Failure = failure;

    /// <summary>Creates the exception with <see cref="AttestationVerificationFailure.Malformed"/>.</summary>
    public AttestationVerificationException()
        : this(AttestationVerificationFailure.Malformed, "The attestation token was rejected.")
    {
    }

    /// <summary>Creates the exception with <see cref="AttestationVerificationFailure.Malformed"/>.</summary>
    /// <param name="message">The reason in words.</param>
    public AttestationVerificationException(string message)
        : this(AttestationVerificationFailure.Malformed, message)
    {
    }

    /// <summary>Creates the exception with <see cref="AttestationVerificationFailure.Malformed"/>.</summary>
    /// <param name="message">The reason in words.</param>
    /// <param name="innerException">The cause.</param>
    public AttestationVerificationException(string message, Exception innerException)
        : base(message, innerException) => Failure = AttestationVerificationFailure.Malformed;

    /// <summary>Gets why the token was rejected.</summary>
    public AttestationVerificationFailure Failure { get; }
}
