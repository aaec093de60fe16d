namespace Tmel.Services.Attestation;

/// <summary>The claims of a verified attestation token (PSA profile, docs/attestation.md).</summary>
/// <param name="Profile">eat_profile (265).</param>
/// <param name="Nonce">eat_nonce (10).</param>
/// <param name="InstanceId">ueid (256): 0x01 and SHA-256 of the attestation key's SubjectPublicKeyInfo.</param>
/// <param name="ImplementationId">psa-implementation-id (2396).</param>
/// <param name="ClientId">psa-client-id (2394): the caller; negative for a non-secure caller.</param>
/// <param name="SecurityLifecycle">psa-security-lifecycle (2395).</param>
/// <param name="BootSeed">psa-boot-seed (2397); <see langword="null"/> when absent.</param>
/// <param name="SoftwareComponents">psa-software-components (2399): one per authenticated image.</param>
/// <param name="ExtraClaims">The caller's extra claims (<see cref="AttestationClaimKeys.ExtraClaims"/>), as encoded CBOR; <see langword="null"/> when absent.</param>
public sealed record AttestationClaims(
    string Profile,
    byte[] Nonce,
    byte[] InstanceId,
    byte[] ImplementationId,
    int ClientId,
    int SecurityLifecycle,
    byte[]? BootSeed,
    IReadOnlyList<AttestationSoftwareComponent> SoftwareComponents,
    byte[]? ExtraClaims);
