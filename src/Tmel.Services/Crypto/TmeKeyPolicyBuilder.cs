using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Crypto;

/// <summary>
/// Builds a 64-bit <see cref="TmeKeyPolicy"/> (tmelcom-services.md §4.3) from named choices: the key's type and length, what it
/// may be used for, its algorithm, whether it persists, and the remaining fields with the defaults every client seen uses.
/// </summary>
/// <remarks>
/// <para>Start from a factory (<see cref="Aes"/>, <see cref="Hmac"/>, <see cref="KeyDerivation"/>, <see cref="KeyWrapping"/>,
/// <see cref="Ecc"/>) or from an existing policy (<see cref="FromPolicy"/>), adjust with the <c>With…</c> methods, and call
/// <see cref="Build"/>, which checks that the choices fit together and encodes them:</para>
/// <code>
/// TmeKeyPolicy signing = TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).WithUsages(TmeKeyUsages.Sign | TmeKeyUsages.Verify).Build();
/// TmeKeyPolicy gcm = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Gcm).Persistent().Build();
/// </code>
/// <para>Defaults (those of U-Boot's and Linux's derive policies): a hardware key (KSL 2) owned by and authorised for HLOS
/// (KO 3, KAU 0x008), destination TME hardware (KD 1), policy version 4, no lineage, not wrappable, not throttled.
/// "Persistent" is KWC bit KWK_STORAGE: the key may be sealed by the device's storage key, which is how the simulator
/// decides what its state directory keeps (docs/crypto-cli.md). A builder is not thread-safe.</para>
/// </remarks>
public sealed class TmeKeyPolicyBuilder
{
    private TmeKeyPolicyBuilder(TmeKeyType type, TmeKeyLength length)
    {
        KeyType = type;
        KeyLength = length;
    }

    /// <summary>Gets the key type (KT).</summary>
    public TmeKeyType KeyType { get; }

    /// <summary>Gets the key length (KL).</summary>
    public TmeKeyLength KeyLength { get; }

    /// <summary>Gets the curve of an ECC key; <see cref="TmeCurve.None"/> for a symmetric key.</summary>
    public TmeCurve Curve { get; private init; }

    /// <summary>Gets what the key may be used for.</summary>
    public TmeKeyUsages Usages { get; private set; }

    /// <summary>Gets the symmetric algorithm (KAL); <see langword="null"/> to let <see cref="Build"/> pick the usage's default (KDF_NIST for a derivation key, AES-ECB for a wrapping key).</summary>
    public TmeKeyAlgorithm? Algorithm { get; private set; }

    /// <summary>Gets the key profile (KP) of a symmetric key.</summary>
    public TmeKeyProfile Profile { get; private set; }

    /// <summary>Gets the key-wrapping-key classes that may wrap the key (KWC).</summary>
    public TmeKeyWrapClasses WrappableBy { get; private set; }

    /// <summary>Gets a value indicating whether the key persists: KWC includes <see cref="TmeKeyWrapClasses.Storage"/>.</summary>
    public bool IsPersistent => (WrappableBy & TmeKeyWrapClasses.Storage) != 0;

    /// <summary>Gets the security level (KSL).</summary>
    public TmeKeySecurityLevel SecurityLevel { get; private set; } = TmeKeySecurityLevel.Hardware;

    /// <summary>Gets the owner (KO).</summary>
    public TmeKeyOwner Owner { get; private set; } = TmeKeyOwner.Hlos;

    /// <summary>Gets the authorised users (KAU).</summary>
    public TmeKeyUsers AuthorisedUsers { get; private set; } = TmeKeyUsers.Hlos;

    /// <summary>Gets the destinations (KD; high bits 6-11 in a version-4 policy, low bits 22-25 in a version-3 one).</summary>
    public TmeKeyDestinations Destinations { get; private set; } = TmeKeyDestinations.TmeHardware;

    /// <summary>Gets the lineage (KLI).</summary>
    public TmeKeyLineage Lineage { get; private set; }

    /// <summary>Gets a value indicating whether use of the key is throttled (KTH).</summary>
    public bool Throttled { get; private set; }

    /// <summary>Gets the policy version (KPV): 4, as every client sends, or A1's 3.</summary>
    public int Version { get; private set; } = 4;

    /// <summary>An AES key for one mode: encrypt and decrypt, KAL AES{128,256}_{ECB,CBC,GCM}.</summary>
    /// <param name="length"><see cref="TmeKeyLength.Bits128"/> or <see cref="TmeKeyLength.Bits256"/>.</param>
    /// <param name="mode">The mode the key is for.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Another length, or a mode outside ECB, CBC and GCM.</exception>
    public static TmeKeyPolicyBuilder Aes(TmeKeyLength length, TmeAesMode mode) =>
        new TmeKeyPolicyBuilder(TmeKeyType.Symmetric, AesLength(length)) { Usages = TmeKeyUsages.Encrypt | TmeKeyUsages.Decrypt, Algorithm = AesAlgorithm(length, mode) };

    /// <summary>An HMAC key: KOP 4 with KAL SHA{256,384,512}_HMAC.</summary>
    /// <param name="hash">The HMAC's hash.</param>
    /// <param name="length">The key's length (KL); an imported HMAC key may be shorter.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hash"/> is not SHA-256, SHA-384 or SHA-512, or <paramref name="length"/> is not a symmetric length (64..512 bits).</exception>
    public static TmeKeyPolicyBuilder Hmac(TmeHashAlgorithm hash, TmeKeyLength length = TmeKeyLength.Bits256) =>
        new TmeKeyPolicyBuilder(TmeKeyType.Symmetric, SymmetricLength(length)) { Usages = TmeKeyUsages.Mac, Algorithm = HmacAlgorithm(hash) };

    /// <summary>A key-derivation key (KDK): KOP 4, KAL KDF_NIST, profile KDK.</summary>
    /// <param name="length">The key's length.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not a symmetric length (64..512 bits).</exception>
    public static TmeKeyPolicyBuilder KeyDerivation(TmeKeyLength length = TmeKeyLength.Bits256) =>
        new TmeKeyPolicyBuilder(TmeKeyType.Symmetric, SymmetricLength(length)) { Usages = TmeKeyUsages.Derive };

    /// <summary>A key-wrapping key (KWK): an AES key with a KWK profile, KOP 3.</summary>
    /// <param name="length"><see cref="TmeKeyLength.Bits128"/> or <see cref="TmeKeyLength.Bits256"/>.</param>
    /// <param name="profile">The KWK class: <see cref="TmeKeyProfile.WrapExport"/> (default), storage, transport or session.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Another length, or a profile that is no KWK profile.</exception>
    public static TmeKeyPolicyBuilder KeyWrapping(TmeKeyLength length = TmeKeyLength.Bits256, TmeKeyProfile profile = TmeKeyProfile.WrapExport)
    {
        if (profile is < TmeKeyProfile.WrapStorage or > TmeKeyProfile.WrapExport)
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "A key-wrapping key has a KWK profile (storage, session, transport or export).");
        }

        return new TmeKeyPolicyBuilder(TmeKeyType.Symmetric, AesLength(length)) { Usages = TmeKeyUsages.Wrap, Profile = profile };
    }

    /// <summary>An ECC key on <paramref name="curve"/>: ECDSA (sign, verify) by default, or ECDH with <see cref="TmeKeyUsages.Derive"/>.</summary>
    /// <param name="curve">A NIST P or brainpool curve (P-256, P-384, P-521, BP-256, BP-384, BP-512).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A curve a key policy cannot name.</exception>
    public static TmeKeyPolicyBuilder Ecc(TmeCurve curve)
    {
        TmeKeyLength length = curve switch
        {
            TmeCurve.P256 or TmeCurve.Bp256 => TmeKeyLength.Bits256,
            TmeCurve.P384 or TmeCurve.Bp384 => TmeKeyLength.Bits384,
            TmeCurve.P521 => TmeKeyLength.Bits521,
            TmeCurve.Bp512 => TmeKeyLength.Bits512,
            _ => throw new ArgumentOutOfRangeException(nameof(curve), curve, "A key policy names P-256, P-384, P-521, BP-256, BP-384 or BP-512."),
        };
        return new TmeKeyPolicyBuilder(TmeKeyType.Ecc, length) { Curve = curve, Usages = TmeKeyUsages.Sign | TmeKeyUsages.Verify };
    }

    /// <summary>A builder holding <paramref name="policy"/>'s fields, so that <see cref="Build"/> gives it back.</summary>
    /// <param name="policy">A symmetric or ECC policy whose operations and algorithm have a name here.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The policy names something the builder cannot express (an RSA key, HKDF or CMAC operations, an ECC operation with a foreign algorithm, a KL/curve pair with no curve, undefined bits), or fields that do not fit together.</exception>
    public static TmeKeyPolicyBuilder FromPolicy(TmeKeyPolicy policy)
    {
        TmeKeyPolicyBuilder builder = policy.KeyType switch
        {
            TmeKeyType.Symmetric => FromSymmetric(policy),
            TmeKeyType.Ecc => FromEcc(policy),
            _ => throw new ArgumentException($"Key type {policy.KeyType} (KT {(uint)policy.KeyType}) has no builder.", nameof(policy)),
        };
        builder.WrappableBy = (TmeKeyWrapClasses)policy.WrapConstraints;
        builder.SecurityLevel = (TmeKeySecurityLevel)policy.SecurityLevel;
        builder.Owner = (TmeKeyOwner)policy.Owner;
        builder.AuthorisedUsers = (TmeKeyUsers)policy.AuthorisedUsers;
        builder.Lineage = (TmeKeyLineage)policy.Lineage;
        builder.Throttled = policy.Throttled;
        builder.Version = (int)policy.Version;
        builder.Destinations = policy.Version == 3 ? (TmeKeyDestinations)((policy.Low >> 22) & 0xF) : (TmeKeyDestinations)policy.Destination;

        // Exact or refused: a policy with bits the builder does not hold (undefined high bits 0 and 28-31, the other
        // version's KD placement) or fields that do not fit together is not silently changed.
        TmeKeyPolicy rebuilt;
        try
        {
            rebuilt = builder.Build();
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException($"Policy 0x{policy.High:X8}{policy.Low:X8}: {ex.Message}", nameof(policy), ex);
        }

        if (rebuilt != policy)
        {
            throw new ArgumentException($"Policy 0x{policy.High:X8}{policy.Low:X8} has bits the builder does not hold (it rebuilds as 0x{rebuilt.High:X8}{rebuilt.Low:X8}).", nameof(policy));
        }

        return builder;
    }

    /// <summary>Sets what the key may be used for.</summary>
    /// <param name="usages">The usages; <see cref="Build"/> checks they fit the key type.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithUsages(TmeKeyUsages usages)
    {
        Usages = usages;
        return this;
    }

    /// <summary>Sets the symmetric algorithm (KAL).</summary>
    /// <param name="algorithm">The algorithm; <see cref="Build"/> checks it fits the usages and the length.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithAlgorithm(TmeKeyAlgorithm algorithm)
    {
        Algorithm = algorithm;
        return this;
    }

    /// <summary>Sets the key profile (KP) of a symmetric key.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithProfile(TmeKeyProfile profile)
    {
        Profile = profile;
        return this;
    }

    /// <summary>Sets the key-wrapping-key classes that may wrap (export) the key; <see cref="TmeKeyWrapClasses.None"/> keeps it inside TME-L.</summary>
    /// <param name="classes">The classes.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithWrappableBy(TmeKeyWrapClasses classes)
    {
        WrappableBy = classes;
        return this;
    }

    /// <summary>Makes the key persistent (KWC bit KWK_STORAGE set) or volatile (cleared).</summary>
    /// <param name="persistent"><see langword="true"/> to persist.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder Persistent(bool persistent = true)
    {
        WrappableBy = persistent ? WrappableBy | TmeKeyWrapClasses.Storage : WrappableBy & ~TmeKeyWrapClasses.Storage;
        return this;
    }

    /// <summary>Sets the security level (KSL).</summary>
    /// <param name="level">The level.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithSecurityLevel(TmeKeySecurityLevel level)
    {
        SecurityLevel = level;
        return this;
    }

    /// <summary>Sets the owner (KO).</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithOwner(TmeKeyOwner owner)
    {
        Owner = owner;
        return this;
    }

    /// <summary>Sets the authorised users (KAU).</summary>
    /// <param name="users">The users.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithAuthorisedUsers(TmeKeyUsers users)
    {
        AuthorisedUsers = users;
        return this;
    }

    /// <summary>Sets the destinations (KD).</summary>
    /// <param name="destinations">The destinations.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithDestinations(TmeKeyDestinations destinations)
    {
        Destinations = destinations;
        return this;
    }

    /// <summary>Sets the lineage (KLI).</summary>
    /// <param name="lineage">The lineage.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithLineage(TmeKeyLineage lineage)
    {
        Lineage = lineage;
        return this;
    }

    /// <summary>Sets throttling (KTH).</summary>
    /// <param name="throttled"><see langword="true"/> to throttle.</param>
    /// <returns>This builder.</returns>
    public TmeKeyPolicyBuilder WithThrottling(bool throttled = true)
    {
        Throttled = throttled;
        return this;
    }

    /// <summary>Sets the policy version (KPV).</summary>
    /// <param name="version">3 or 4.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 3 or 4.</exception>
    public TmeKeyPolicyBuilder WithVersion(int version)
    {
        if (version is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Policy version 3 (A1) or 4 (every client seen).");
        }

        Version = version;
        return this;
    }

    /// <summary>Checks the choices and encodes the 64-bit policy.</summary>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidOperationException">The choices do not fit together; the message says which.</exception>
    public TmeKeyPolicy Build()
    {
        (uint operations, uint algorithm, TmeKeyProfile profile) = KeyType == TmeKeyType.Ecc ? EccFields() : SymmetricFields();
        if (((uint)WrappableBy & ~0xFu) != 0 || ((uint)AuthorisedUsers & ~0xFFFu) != 0 || (uint)SecurityLevel > 3 || (uint)Owner > 0xF || (uint)Lineage > 3)
        {
            throw new InvalidOperationException("A policy field is out of its bit range.");
        }

        uint destinationsLimit = Version == 3 ? 0xFu : 0x3Fu;
        if (((uint)Destinations & ~destinationsLimit) != 0)
        {
            throw new InvalidOperationException($"Destinations 0x{(uint)Destinations:X} do not fit a version-{Version} policy.");
        }

        uint low = (uint)KeyType | ((uint)KeyLength << 3) | ((uint)profile << 7) | (operations << 10) | (algorithm << 14)
            | ((uint)SecurityLevel << 20) | (Version == 3 ? (uint)Destinations << 22 : 0) | ((uint)Owner << 26) | ((uint)Lineage << 30);
        uint high = ((uint)WrappableBy << 1) | (Throttled ? 1u << 5 : 0) | (Version == 3 ? 0 : (uint)Destinations << 6)
            | ((uint)Version << 12) | ((uint)AuthorisedUsers << 16);
        return new TmeKeyPolicy(low, high);
    }

    private (uint Operations, uint Algorithm, TmeKeyProfile Profile) EccFields()
    {
        const TmeKeyUsages Ecdsa = TmeKeyUsages.Sign | TmeKeyUsages.Verify;
        if ((Usages & ~(Ecdsa | TmeKeyUsages.Derive)) != 0)
        {
            throw new InvalidOperationException($"An ECC key signs, verifies or derives (ECDH); {Usages & ~(Ecdsa | TmeKeyUsages.Derive)} is not an ECC use.");
        }

        if (Algorithm is not null || Profile != TmeKeyProfile.Generic)
        {
            throw new InvalidOperationException("An ECC key's algorithm follows from its usage and curve; it has no symmetric algorithm or profile.");
        }

        uint family = Curve is TmeCurve.Bp256 or TmeCurve.Bp384 or TmeCurve.Bp512 ? 8u : 0u;
        return Usages switch
        {
            TmeKeyUsages.None => throw new InvalidOperationException("The key has no usage."),
            TmeKeyUsages.Derive => (2u, 1u | family, TmeKeyProfile.Generic),
            _ when (Usages & TmeKeyUsages.Derive) != 0 => throw new InvalidOperationException("An ECC key is either an ECDSA key (sign, verify) or an ECDH key (derive), not both: a policy names one algorithm."),
            _ => (1u, family, TmeKeyProfile.Generic),
        };
    }

    private (uint Operations, uint Algorithm, TmeKeyProfile Profile) SymmetricFields()
    {
        const TmeKeyUsages Cipher = TmeKeyUsages.Encrypt | TmeKeyUsages.Decrypt;
        if ((Usages & (TmeKeyUsages.Sign | TmeKeyUsages.Verify)) != 0)
        {
            throw new InvalidOperationException("A symmetric key does not sign or verify; use an ECC key, or Mac for an HMAC key.");
        }

        if (Usages == TmeKeyUsages.None)
        {
            throw new InvalidOperationException("The key has no usage.");
        }

        if ((Usages & (TmeKeyUsages.Derive | TmeKeyUsages.Mac)) != 0)
        {
            if (Usages is not (TmeKeyUsages.Derive or TmeKeyUsages.Mac))
            {
                throw new InvalidOperationException($"A derivation or HMAC key does only that (KOP 4); {Usages} combines it with other uses.");
            }

            if (Usages == TmeKeyUsages.Derive)
            {
                TmeKeyAlgorithm kdf = Algorithm ?? TmeKeyAlgorithm.KdfNist;
                if (kdf != TmeKeyAlgorithm.KdfNist)
                {
                    throw new InvalidOperationException($"A derivation key's algorithm is KDF_NIST, not {kdf}.");
                }

                return (4, (uint)kdf, Profile == TmeKeyProfile.Generic ? TmeKeyProfile.KeyDerivation : Profile);
            }

            if (Algorithm is not (TmeKeyAlgorithm.Sha256Hmac or TmeKeyAlgorithm.Sha384Hmac or TmeKeyAlgorithm.Sha512Hmac))
            {
                throw new InvalidOperationException($"An HMAC key needs an HMAC algorithm (SHA-256, SHA-384 or SHA-512), not {Algorithm?.ToString() ?? "none"}.");
            }

            return (4, (uint)Algorithm, Profile);
        }

        uint operations = (uint)(Usages & Cipher);
        TmeKeyProfile profile = Profile;
        if ((Usages & TmeKeyUsages.Wrap) != 0)
        {
            operations = 3;
            profile = Profile == TmeKeyProfile.Generic ? TmeKeyProfile.WrapExport : Profile;
            if (profile is < TmeKeyProfile.WrapStorage or > TmeKeyProfile.WrapExport)
            {
                throw new InvalidOperationException($"A wrapping key has a KWK profile, not {profile}.");
            }
        }

        TmeKeyAlgorithm algorithm = Algorithm ?? ((Usages & TmeKeyUsages.Wrap) != 0
            ? AesAlgorithm(KeyLength, TmeAesMode.Ecb)
            : throw new InvalidOperationException("An encryption key needs its algorithm (for example AES256_GCM)."));
        bool aes128 = algorithm is TmeKeyAlgorithm.Aes128Ecb or TmeKeyAlgorithm.Aes128Cbc or TmeKeyAlgorithm.Aes128Gcm;
        bool aes256 = algorithm is TmeKeyAlgorithm.Aes256Ecb or TmeKeyAlgorithm.Aes256Cbc or TmeKeyAlgorithm.Aes256Gcm;
        if ((aes128 && KeyLength != TmeKeyLength.Bits128) || (aes256 && KeyLength != TmeKeyLength.Bits256) || !(aes128 || aes256))
        {
            throw new InvalidOperationException($"{algorithm} does not fit a {KeyLength} encryption key.");
        }

        return (operations, (uint)algorithm, profile);
    }

    private static TmeKeyPolicyBuilder FromSymmetric(TmeKeyPolicy policy)
    {
        var algorithm = (TmeKeyAlgorithm)policy.Algorithm;
        TmeKeyUsages usages = policy.Operations switch
        {
            4 when algorithm == TmeKeyAlgorithm.KdfNist => TmeKeyUsages.Derive,
            4 when algorithm is TmeKeyAlgorithm.Sha256Hmac or TmeKeyAlgorithm.Sha384Hmac or TmeKeyAlgorithm.Sha512Hmac => TmeKeyUsages.Mac,
            3 when policy.Profile is >= TmeKeyProfile.WrapStorage and <= TmeKeyProfile.WrapExport => TmeKeyUsages.Wrap,
            >= 1 and <= 3 => (TmeKeyUsages)policy.Operations,
            _ => throw new ArgumentException($"Symmetric operations {policy.Operations} with algorithm 0x{policy.Algorithm:X} have no usage name.", nameof(policy)),
        };
        return new TmeKeyPolicyBuilder(TmeKeyType.Symmetric, policy.KeyLength) { Usages = usages, Algorithm = algorithm, Profile = policy.Profile };
    }

    private static TmeKeyPolicyBuilder FromEcc(TmeKeyPolicy policy)
    {
        bool brainpool = (policy.Algorithm & 0x18) == 8;
        if ((policy.Algorithm & 0x18) is not (0 or 8) || policy.Profile != TmeKeyProfile.Generic)
        {
            throw new ArgumentException($"ECC algorithm 0x{policy.Algorithm:X} names no curve family the builder knows.", nameof(policy));
        }

        TmeCurve curve = (brainpool, policy.KeyLength) switch
        {
            (false, TmeKeyLength.Bits256) => TmeCurve.P256,
            (false, TmeKeyLength.Bits384) => TmeCurve.P384,
            (false, TmeKeyLength.Bits521) => TmeCurve.P521,
            (true, TmeKeyLength.Bits256) => TmeCurve.Bp256,
            (true, TmeKeyLength.Bits384) => TmeCurve.Bp384,
            (true, TmeKeyLength.Bits512) => TmeCurve.Bp512,
            _ => throw new ArgumentException($"ECC key length {policy.KeyLength} names no curve.", nameof(policy)),
        };
        TmeKeyUsages usages = (policy.Operations, policy.Algorithm & 7) switch
        {
            (1, 0) => TmeKeyUsages.Sign | TmeKeyUsages.Verify,
            (2, 1) => TmeKeyUsages.Derive,
            _ => throw new ArgumentException($"ECC operations {policy.Operations} with algorithm {policy.Algorithm & 7} have no usage name.", nameof(policy)),
        };
        return new TmeKeyPolicyBuilder(TmeKeyType.Ecc, policy.KeyLength) { Curve = curve, Usages = usages };
    }

    private static TmeKeyLength AesLength(TmeKeyLength length) => length is TmeKeyLength.Bits128 or TmeKeyLength.Bits256
        ? length
        : throw new ArgumentOutOfRangeException(nameof(length), length, "An AES key is 128 or 256 bits.");

    private static TmeKeyLength SymmetricLength(TmeKeyLength length) => length is >= TmeKeyLength.Bits64 and <= TmeKeyLength.Bits512
        ? length
        : throw new ArgumentOutOfRangeException(nameof(length), length, "A symmetric key is 64 to 512 bits.");

    private static TmeKeyAlgorithm AesAlgorithm(TmeKeyLength length, TmeAesMode mode) => (AesLength(length) == TmeKeyLength.Bits128, mode) switch
    {
        (true, TmeAesMode.Ecb) => TmeKeyAlgorithm.Aes128Ecb,
        (false, TmeAesMode.Ecb) => TmeKeyAlgorithm.Aes256Ecb,
        (true, TmeAesMode.Cbc) => TmeKeyAlgorithm.Aes128Cbc,
        (false, TmeAesMode.Cbc) => TmeKeyAlgorithm.Aes256Cbc,
        (true, TmeAesMode.Gcm) => TmeKeyAlgorithm.Aes128Gcm,
        (false, TmeAesMode.Gcm) => TmeKeyAlgorithm.Aes256Gcm,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "ECB, CBC or GCM."),
    };

    private static TmeKeyAlgorithm HmacAlgorithm(TmeHashAlgorithm hash) => hash switch
    {
        TmeHashAlgorithm.Sha256 => TmeKeyAlgorithm.Sha256Hmac,
        TmeHashAlgorithm.Sha384 => TmeKeyAlgorithm.Sha384Hmac,
        TmeHashAlgorithm.Sha512 => TmeKeyAlgorithm.Sha512Hmac,
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash, "HMAC with SHA-256, SHA-384 or SHA-512."),
    };
}
