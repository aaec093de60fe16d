namespace Tmel.Services.Attestation;

/// <summary>One entry of a token's psa-software-components (2399): an image TME-L authenticated.</summary>
/// <param name="MeasurementType">measurement-type (1), e.g. <c>SW_ID_0x0000000D</c>; <see langword="null"/> when absent.</param>
/// <param name="MeasurementValue">measurement-value (2): the image's SHA-384 measurement.</param>
/// <param name="Version">version (4): the image's anti-rollback version as text; <see langword="null"/> when absent.</param>
/// <param name="SignerId">signer-id (5): SHA-384 of the signing certificate's SubjectPublicKeyInfo.</param>
/// <param name="MeasurementDescription">measurement-desc (6), e.g. <c>sha-384</c>; <see langword="null"/> when absent.</param>
public sealed record AttestationSoftwareComponent(string? MeasurementType, byte[] MeasurementValue, string? Version, byte[] SignerId, string? MeasurementDescription);
