namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>Key ids and algorithm ids used in KM and HCS requests (tmelcom-services.md §4.2, §4.4, §4.6).</summary>
public static class TmeCryptoIds
{
    /// <summary><c>TME_KID_ALLOC</c>: "allocate a new handle for the result".</summary>
    public const uint KeyIdAllocate = 0xAAAAAAAA;

    /// <summary><c>TME_KID_INVALID</c>: no key.</summary>
    public const uint KeyIdInvalid = 0xFFFFFFFF;

    /// <summary><c>TME_KAL_KDF_NIST</c> (0x20 &lt;&lt; 14): the NIST SP 800-108 KDF, in a KDF spec's <c>kdf_algo</c>.</summary>
    public const uint KdfNist = 0x80000;

    /// <summary><c>TME_KAL_KDF_HKDF</c> (0x21 &lt;&lt; 14), in a KDF spec's <c>kdf_algo</c>.</summary>
    public const uint KdfHkdf = 0x84000;

    /// <summary><c>TME_KAL_SHA256_HMAC</c> (0x12 &lt;&lt; 14), in a KDF spec's <c>prf_digest_algo</c>.</summary>
    public const uint PrfSha256Hmac = 0x48000;

    /// <summary><c>TME_KAL_SHA512_HMAC</c> (0x16 &lt;&lt; 14), in a KDF spec's <c>prf_digest_algo</c>.</summary>
    public const uint PrfSha512Hmac = 0x58000;
}

/// <summary>The hash algorithm id of an HCS request (<c>tme_hash_algo_id</c>, §4.4).</summary>
public enum TmeHashAlgorithm : uint
{
    /// <summary>0: none (ECC sign/verify over a digest).</summary>
    None = 0,

    /// <summary>2: SHA-256.</summary>
    Sha256 = 2,

    /// <summary>3: SHA-384.</summary>
    Sha384 = 3,

    /// <summary>5: SHA-512.</summary>
    Sha512 = 5,
}

/// <summary>The curve id of an HCS request (<c>tme_curve_id</c>, §4.4); the simulator implements the NIST P curves .NET offers.</summary>
public enum TmeCurve : uint
{
    /// <summary>0x00: no curve.</summary>
    None = 0x00,

    /// <summary>0x01: NIST P-192.</summary>
    P192 = 0x01,

    /// <summary>0x02: NIST P-224.</summary>
    P224 = 0x02,

    /// <summary>0x03: NIST P-256.</summary>
    P256 = 0x03,

    /// <summary>0x04: NIST P-384.</summary>
    P384 = 0x04,

    /// <summary>0x05: NIST P-521.</summary>
    P521 = 0x05,

    /// <summary>0x06: P-256R1.</summary>
    P256R1 = 0x06,

    /// <summary>0x07: Ed25519.</summary>
    Ed25519 = 0x07,

    /// <summary>0x08: Ed448.</summary>
    Ed448 = 0x08,

    /// <summary>0x09: E-521.</summary>
    E521 = 0x09,

    /// <summary>0x11: brainpoolP192.</summary>
    Bp192 = 0x11,

    /// <summary>0x12: brainpoolP224.</summary>
    Bp224 = 0x12,

    /// <summary>0x13: brainpoolP256.</summary>
    Bp256 = 0x13,

    /// <summary>0x14: brainpoolP320.</summary>
    Bp320 = 0x14,

    /// <summary>0x15: brainpoolP384.</summary>
    Bp384 = 0x15,

    /// <summary>0x16: brainpoolP512.</summary>
    Bp512 = 0x16,
}

/// <summary>The AES mode selector of HCS_AES_ENCRYPT/DECRYPT (<c>algo</c>, §3.5): the three values clients send.</summary>
public enum TmeAesMode : uint
{
    /// <summary>0x2 (<c>TME_KAL_AES256_GCM</c> in L11): AES-GCM.</summary>
    Gcm = 0x2,

    /// <summary>0x8 (<c>TME_KAL_AES256_CBC</c> in U1): AES-CBC, no padding.</summary>
    Cbc = 0x8,

    /// <summary>0xC (<c>TME_KAL_AES256_ECB</c> in U1): AES-ECB, no padding.</summary>
    Ecb = 0xC,
}
