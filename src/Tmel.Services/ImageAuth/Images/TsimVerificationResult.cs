using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

/// <summary>The outcome of a SEC_AUTH-style verification: the values the SEC_AUTH response carries, plus the measurement.</summary>
/// <param name="Status">The TMEL status of the first failed step, or <see cref="TmelStatus.Success"/>.</param>
/// <param name="ExtendedError">The failed step's extended error (our codes, services.md §1.8), or 0.</param>
/// <param name="FirstSegmentAddress">On success the first hashed PT_LOAD's <c>p_paddr</c>; otherwise 0.</param>
/// <param name="FirstSegmentLength">On success the first hashed PT_LOAD's <c>p_memsz</c>; otherwise 0.</param>
/// <param name="EntryAddress">On success <c>e_entry</c> truncated to 32 bits (SEC_AUTH's <c>entry_addr</c> is a u32); otherwise 0.</param>
/// <param name="Measurement">On success what to record for attestation; otherwise <see langword="null"/>.</param>
internal sealed record TsimVerificationResult(
    TmelStatus Status,
    uint ExtendedError,
    uint FirstSegmentAddress,
    uint FirstSegmentLength,
    uint EntryAddress,
    TsimMeasurement? Measurement)
{
    /// <summary>The <see cref="Step"/> of a successful verification.</summary>
    public const string VerifiedStep = "verified";

    /// <summary>Whether every step passed.</summary>
    public bool IsSuccess => Status == TmelStatus.Success && ExtendedError == 0;

    /// <summary>The human-readable name of the failed step (for example "certificate chain"), or <see cref="VerifiedStep"/>.</summary>
    public string Step { get; init; } = VerifiedStep;

    /// <summary>Why the step failed, in one sentence without key material; empty on success.</summary>
    public string Detail { get; init; } = "";

    /// <summary>Describes a failed SEC_AUTH from the words TME-L answered: the step its extended error names and that code's meaning.</summary>
    /// <param name="status">The response's status (for example <see cref="TmelServiceException.Status"/>).</param>
    /// <param name="extendedError">The response's extended error (docs/image-auth.md lists the codes).</param>
    /// <returns>A failed result whose <see cref="Step"/> and <see cref="Detail"/> are as <see cref="TsimImageVerifier"/> names them;
    /// the detail is the code's meaning, as the response carries no more. An unknown code has the step "unknown".</returns>
    /// <exception cref="ArgumentException"><paramref name="status"/> is <see cref="TmelStatus.Success"/> and <paramref name="extendedError"/> is 0, which is no failure.</exception>
    public static TsimVerificationResult FromResponse(TmelStatus status, uint extendedError)
    {
        if (status == TmelStatus.Success && extendedError == 0)
        {
            throw new ArgumentException("A status of Success with extended error 0 is no failure.", nameof(status));
        }

        (string step, string reason) = TsimVerificationSteps.Describe(status, extendedError);
        return new TsimVerificationResult(status, extendedError, 0, 0, 0, null) { Step = step, Detail = reason };
    }
}
