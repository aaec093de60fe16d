namespace Tmel.Services.Attestation;

/// <summary>The CBOR map keys of the simulated TME-L's attestation token (PSA profile, RFC 9783; services.md §2.3–§2.4).</summary>
public static class AttestationClaimKeys
{
    /// <summary>The profile the token follows (claim 265): <c>tag:psacertified.org,2023:psa#tfm</c>.</summary>
    public const string PsaProfile = "tag:psacertified.org,2023:psa#tfm";

    /// <summary>eat_nonce (10): the caller's challenge, 32, 48 or 64 bytes.</summary>
    public const int Nonce = 10;

    /// <summary>ueid (256): the instance id, 0x01 followed by SHA-256 of the attestation key's SubjectPublicKeyInfo (33 bytes).</summary>
    public const int InstanceId = 256;

    /// <summary>eat_profile (265).</summary>
    public const int Profile = 265;

    /// <summary>psa-client-id (2394): the caller, negative for a non-secure caller.</summary>
    public const int ClientId = 2394;

    /// <summary>psa-security-lifecycle (2395).</summary>
    public const int SecurityLifecycle = 2395;

    /// <summary>psa-implementation-id (2396): 32 bytes.</summary>
    public const int ImplementationId = 2396;

    /// <summary>psa-boot-seed (2397): 32 random bytes fixed for a simulated boot.</summary>
    public const int BootSeed = 2397;

    /// <summary>psa-software-components (2399): one map per authenticated image.</summary>
    public const int SoftwareComponents = 2399;

    /// <summary>The caller's extra claims (a private-use key, docs/attestation.md): the CBOR map the caller sent, embedded as it was.</summary>
    public const int ExtraClaims = -80000;

    /// <summary>Software component: measurement-type (1), a text.</summary>
    public const int ComponentMeasurementType = 1;

    /// <summary>Software component: measurement-value (2), 32, 48 or 64 bytes.</summary>
    public const int ComponentMeasurementValue = 2;

    /// <summary>Software component: version (4), a text.</summary>
    public const int ComponentVersion = 4;

    /// <summary>Software component: signer-id (5), 32, 48 or 64 bytes.</summary>
    public const int ComponentSignerId = 5;

    /// <summary>Software component: measurement-desc (6), a text such as <c>sha-384</c>.</summary>
    public const int ComponentMeasurementDescription = 6;

    /// <summary>The security lifecycle "secured" (0x3000) the simulator reports.</summary>
    public const int LifecycleSecured = 0x3000;

    /// <summary>Returns whether a nonce length is one the PSA profile allows: 32, 48 or 64 bytes.</summary>
    /// <param name="length">The length in bytes.</param>
    /// <returns><see langword="true"/> for 32, 48 or 64.</returns>
    public static bool IsNonceLength(int length) => length is 32 or 48 or 64;
}
