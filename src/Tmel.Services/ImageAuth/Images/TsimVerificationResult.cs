using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

/// <summary>The outcome of a SEC_AUTH-style verification: the values the SEC_AUTH response carries, plus the measurement.</summary>
/// <param name="Status">The TMEL status of the first failed step, or <see cref="TmelStatus.Success"/>.</param>
/// <param name="ExtendedError">The failed step's extended error (our codes, services.md §1.8), or 0.</param>
/// <param name="FirstSegmentAddress">On success the first hashed PT_LOAD's <c>p_paddr</c>; otherwise 0.</param>
/// <param name="FirstSegmentLength">On success the first hashed PT_LOAD's <c>p_memsz</c>; otherwise 0.</param>
/// <param name="EntryAddress">On success <c>e_entry</c> truncated to 32 bits (SEC_AUTH's <c>entry_addr</c> is a u32); otherwise 0.</param>
/// <param name="Measurement">On success what to record for attestation; otherwise <see langword="null"/>.</param>
public sealed record TsimVerificationResult(
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
}
