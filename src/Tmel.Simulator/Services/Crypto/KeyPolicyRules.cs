using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>What each use of a key requires of its policy (tmelcom-services.md §4.3), and the curves and lengths a policy names.</summary>
internal static class KeyPolicyRules
{
    // KOP values (low bits 10-13).
    public const uint SymmetricEncrypt = 1;
    public const uint SymmetricDecrypt = 2;
    public const uint SymmetricDigestOrDerive = 4;
    public const uint EccSign = 1;
    public const uint EccAgree = 2;

    // ECC KAL: algorithm (bits 0-2 of the field) plus family (bits 3-4).
    public const uint EccAlgorithmEcdsa = 0;
    public const uint EccAlgorithmEcdh = 1;
    public const uint EccFamilyNist = 0;
    public const uint EccFamilyBrainpool = 8;

    /// <summary>
    /// The KWC (wrapping constraints, high bits 1-4) class that makes a key persistent: 2, KWK_STORAGE (high word bit 2).
    /// §4.3 has no "persistent" field; a key TME-L may wrap with its storage key-wrapping key is a key it may keep in
    /// storage. With a state directory such a key is kept sealed across restarts; every other key (and every key without a
    /// state directory) lives until KM_CLEAR or the simulator stops, as in TME-L's key table (docs/device-state.md; the
    /// same bit <c>TmeKeyPolicyBuilder.Persistent()</c> and <c>tmel crypto</c> set).
    /// </summary>
    public const uint PersistentWrapClass = 2;

    /// <summary>Whether a key of this policy is persistent (KWC includes <see cref="PersistentWrapClass"/>).</summary>
    public static bool IsPersistent(TmeKeyPolicy policy) => (policy.WrapConstraints & PersistentWrapClass) != 0;

    /// <summary>Policy versions accepted: A1's 3 and the clients' 4 (§7).</summary>
    public static bool IsKnownVersion(TmeKeyPolicy policy) => policy.Version is 3 or 4;

    /// <summary>The length in bytes of a symmetric key of this policy, or 0 when the code names no byte length.</summary>
    public static int SymmetricLength(TmeKeyLength length) => length switch
    {
        TmeKeyLength.Bits64 => 8,
        TmeKeyLength.Bits128 => 16,
        TmeKeyLength.Bits192 => 24,
        TmeKeyLength.Bits224 => 28,
        TmeKeyLength.Bits256 => 32,
        TmeKeyLength.Bits384 => 48,
        TmeKeyLength.Bits448 => 56,
        TmeKeyLength.Bits512 => 64,
        _ => 0,
    };

    /// <summary>The curve an ECC policy names (family from KAL, size from KL), or <see langword="null"/> when .NET offers none.</summary>
    public static ECCurve? CurveOf(TmeKeyPolicy policy)
    {
        uint family = policy.Algorithm & 0x18;
        return (family, policy.KeyLength) switch
        {
            (EccFamilyNist, TmeKeyLength.Bits256) => ECCurve.NamedCurves.nistP256,
            (EccFamilyNist, TmeKeyLength.Bits384) => ECCurve.NamedCurves.nistP384,
            (EccFamilyNist, TmeKeyLength.Bits521) => ECCurve.NamedCurves.nistP521,
            (EccFamilyBrainpool, TmeKeyLength.Bits256) => ECCurve.NamedCurves.brainpoolP256r1,
            (EccFamilyBrainpool, TmeKeyLength.Bits384) => ECCurve.NamedCurves.brainpoolP384r1,
            (EccFamilyBrainpool, TmeKeyLength.Bits512) => ECCurve.NamedCurves.brainpoolP512r1,
            _ => null,
        };
    }

    /// <summary>The curve an HCS <c>curve_id</c> names, or <see langword="null"/> when the simulator does not implement it.</summary>
    public static ECCurve? CurveOf(uint curveId) => (TmeCurve)curveId switch
    {
        TmeCurve.P256 => ECCurve.NamedCurves.nistP256,
        TmeCurve.P384 => ECCurve.NamedCurves.nistP384,
        TmeCurve.P521 => ECCurve.NamedCurves.nistP521,
        TmeCurve.Bp256 => ECCurve.NamedCurves.brainpoolP256r1,
        TmeCurve.Bp384 => ECCurve.NamedCurves.brainpoolP384r1,
        TmeCurve.Bp512 => ECCurve.NamedCurves.brainpoolP512r1,
        _ => null,
    };

    /// <summary>The byte length of one coordinate (and of the private scalar) on a curve.</summary>
    public static int CoordinateLength(ECCurve curve) => curve.Oid.Value switch
    {
        "1.2.840.10045.3.1.7" or "1.3.36.3.3.2.8.1.1.7" => 32,
        "1.3.132.0.34" or "1.3.36.3.3.2.8.1.1.11" => 48,
        "1.3.132.0.35" => 66,
        "1.3.36.3.3.2.8.1.1.13" => 64,
        _ => 0,
    };

    public static bool SameCurve(ECCurve a, ECCurve b) => a.Oid.Value == b.Oid.Value;

    /// <summary>The symmetric KAL an AES mode needs for a key of this length, or -1.</summary>
    public static int AesAlgorithm(uint mode, int keyLength) => ((TmeAesMode)mode, keyLength) switch
    {
        (TmeAesMode.Ecb, 16) => (int)TmeKeyAlgorithm.Aes128Ecb,
        (TmeAesMode.Ecb, 32) => (int)TmeKeyAlgorithm.Aes256Ecb,
        (TmeAesMode.Cbc, 16) => (int)TmeKeyAlgorithm.Aes128Cbc,
        (TmeAesMode.Cbc, 32) => (int)TmeKeyAlgorithm.Aes256Cbc,
        (TmeAesMode.Gcm, 16) => (int)TmeKeyAlgorithm.Aes128Gcm,
        (TmeAesMode.Gcm, 32) => (int)TmeKeyAlgorithm.Aes256Gcm,
        _ => -1,
    };

    /// <summary>The HMAC KAL a hash algorithm needs.</summary>
    public static int HmacAlgorithm(uint hash) => (TmeHashAlgorithm)hash switch
    {
        TmeHashAlgorithm.Sha256 => (int)TmeKeyAlgorithm.Sha256Hmac,
        TmeHashAlgorithm.Sha384 => (int)TmeKeyAlgorithm.Sha384Hmac,
        TmeHashAlgorithm.Sha512 => (int)TmeKeyAlgorithm.Sha512Hmac,
        _ => -1,
    };

    public static HashAlgorithmName? HashOf(uint hash) => (TmeHashAlgorithm)hash switch
    {
        TmeHashAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        TmeHashAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        TmeHashAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>Whether a symmetric key's KOP allows an operation: encrypt/decrypt are OR-able bits of 1..3, digest/derive is exactly 4.</summary>
    public static bool AllowsSymmetric(TmeKeyPolicy policy, uint operation) =>
        policy.KeyType == TmeKeyType.Symmetric && (operation == SymmetricDigestOrDerive
            ? policy.Operations == SymmetricDigestOrDerive
            : policy.Operations is >= 1 and <= 3 && (policy.Operations & operation) != 0);

    /// <summary>Whether an ECC key's KOP and algorithm allow signing (ECDSA) or agreeing (ECDH).</summary>
    public static bool AllowsEcc(TmeKeyPolicy policy, uint operation, uint algorithm) =>
        policy.KeyType == TmeKeyType.Ecc && (policy.Operations & operation) != 0 && (policy.Algorithm & 0x7) == algorithm;

    /// <summary>The KWC bit a key-wrapping key's profile stands for, or 0 when the key is no key-wrapping key.</summary>
    public static uint WrapClass(TmeKeyPolicy wrappingKey) => wrappingKey.Profile switch
    {
        TmeKeyProfile.WrapExport => 1,
        TmeKeyProfile.WrapStorage => 2,
        TmeKeyProfile.WrapTransport => 4,
        TmeKeyProfile.WrapSession => 8,
        _ => 0,
    };
}
