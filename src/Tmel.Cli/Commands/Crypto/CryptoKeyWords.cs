using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>The words of <c>tmel crypto</c>'s <c>--type</c>, <c>--usage</c> and <c>--alg</c>, and the key policies they make (docs/crypto-cli.md).</summary>
internal static class CryptoKeyWords
{
    public static readonly string[] Types = ["ecc-p256", "ecc-p384", "aes-128", "aes-256", "hmac"];

    public static readonly string[] UsageWords = ["sign", "verify", "encrypt", "decrypt", "derive", "wrap", "mac"];

    public static readonly string[] Algorithms = ["aes-gcm", "aes-cbc", "aes-ecb", "sha-256", "sha-384", "sha-512"];

    /// <summary>The curve of an ECC type word; <see cref="TmeCurve.None"/> for a symmetric one.</summary>
    public static TmeCurve CurveOf(string type) => type switch
    {
        "ecc-p256" => TmeCurve.P256,
        "ecc-p384" => TmeCurve.P384,
        _ => TmeCurve.None,
    };

    public static string TypeOf(TmeCurve curve) => curve == TmeCurve.P384 ? "ecc-p384" : "ecc-p256";

    public static string CurveName(TmeCurve curve) => curve == TmeCurve.P384 ? "P-384" : "P-256";

    public static TmeKeyUsages ParseUsages(string text)
    {
        TmeKeyUsages usages = TmeKeyUsages.None;
        foreach (string word in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            usages |= word switch
            {
                "sign" => TmeKeyUsages.Sign,
                "verify" => TmeKeyUsages.Verify,
                "encrypt" => TmeKeyUsages.Encrypt,
                "decrypt" => TmeKeyUsages.Decrypt,
                "derive" => TmeKeyUsages.Derive,
                "wrap" => TmeKeyUsages.Wrap,
                "mac" => TmeKeyUsages.Mac,
                _ => throw new TmelUsageException($"--usage: '{word}' is not a usage ({string.Join(", ", UsageWords)})."),
            };
        }

        return usages == TmeKeyUsages.None ? throw new TmelUsageException("--usage: name at least one usage.") : usages;
    }

    public static string[] UsageNames(TmeKeyUsages usages) => [.. UsageWords.Where(w => (usages & ParseUsages(w)) != 0)];

    public static TmeAesMode AesMode(string alg) => alg switch
    {
        "aes-gcm" => TmeAesMode.Gcm,
        "aes-cbc" => TmeAesMode.Cbc,
        "aes-ecb" => TmeAesMode.Ecb,
        _ => throw new TmelUsageException($"--alg: '{alg}' is no AES mode (aes-gcm, aes-cbc, aes-ecb)."),
    };

    public static TmeHashAlgorithm Hash(string alg) => alg switch
    {
        "sha-256" => TmeHashAlgorithm.Sha256,
        "sha-384" => TmeHashAlgorithm.Sha384,
        "sha-512" => TmeHashAlgorithm.Sha512,
        _ => throw new TmelUsageException($"--alg: '{alg}' is no hash (sha-256, sha-384, sha-512)."),
    };

    /// <summary>The policy of a new key from the words; <paramref name="persistent"/> sets KWC KWK_STORAGE.</summary>
    /// <exception cref="TmelUsageException">The words do not make a key.</exception>
    public static TmeKeyPolicyBuilder Policy(string type, TmeKeyUsages? usages, string? alg, bool persistent)
    {
        TmeKeyPolicyBuilder builder = type switch
        {
            "ecc-p256" or "ecc-p384" => alg is null
                ? TmeKeyPolicyBuilder.Ecc(CurveOf(type)).WithUsages(usages ?? TmeKeyUsages.Sign | TmeKeyUsages.Verify)
                : throw new TmelUsageException("--alg: an ECC key's algorithm follows from --usage (sign,verify: ECDSA; derive: ECDH); give the hash to 'sign'."),
            "aes-128" or "aes-256" => Aes(type == "aes-128" ? TmeKeyLength.Bits128 : TmeKeyLength.Bits256, usages ?? TmeKeyUsages.Encrypt | TmeKeyUsages.Decrypt, alg),
            "hmac" => usages is null or TmeKeyUsages.Mac
                ? Hmac(alg ?? "sha-256")
                : throw new TmelUsageException("--usage: an hmac key is for 'mac' only."),
            _ => throw new TmelUsageException($"--type: '{type}' is not a key type ({string.Join(", ", Types)})."),
        };
        builder.Persistent(persistent);
        try
        {
            builder.Build();
        }
        catch (InvalidOperationException ex)
        {
            throw new TmelUsageException($"--type {type} --usage {string.Join(',', UsageNames(builder.Usages))}: {ex.Message}");
        }

        return builder;
    }

    /// <summary>The type word of a policy (for a key that came back from an unwrap), or null when none fits.</summary>
    public static string? TypeOf(TmeKeyPolicy policy) => (policy.KeyType, policy.KeyLength) switch
    {
        (TmeKeyType.Ecc, TmeKeyLength.Bits256) => "ecc-p256",
        (TmeKeyType.Ecc, TmeKeyLength.Bits384) => "ecc-p384",
        (TmeKeyType.Symmetric, _) when policy.Operations == 4 && policy.Algorithm is 0x12 or 0x15 or 0x16 => "hmac",
        (TmeKeyType.Symmetric, TmeKeyLength.Bits128) => "aes-128",
        (TmeKeyType.Symmetric, TmeKeyLength.Bits256) => "aes-256",
        _ => null,
    };

    /// <summary>The --alg word of a policy's symmetric algorithm, or null.</summary>
    public static string? AlgorithmOf(TmeKeyPolicy policy) => policy.KeyType != TmeKeyType.Symmetric ? null : (TmeKeyAlgorithm)policy.Algorithm switch
    {
        TmeKeyAlgorithm.Aes128Gcm or TmeKeyAlgorithm.Aes256Gcm => "aes-gcm",
        TmeKeyAlgorithm.Aes128Cbc or TmeKeyAlgorithm.Aes256Cbc => "aes-cbc",
        TmeKeyAlgorithm.Aes128Ecb or TmeKeyAlgorithm.Aes256Ecb => "aes-ecb",
        TmeKeyAlgorithm.Sha256Hmac => "sha-256",
        TmeKeyAlgorithm.Sha384Hmac => "sha-384",
        TmeKeyAlgorithm.Sha512Hmac => "sha-512",
        _ => null,
    };

    private static TmeKeyPolicyBuilder Aes(TmeKeyLength length, TmeKeyUsages usages, string? alg)
    {
        if ((usages & TmeKeyUsages.Derive) != 0)
        {
            return alg is null
                ? TmeKeyPolicyBuilder.KeyDerivation(length).WithUsages(usages)
                : throw new TmelUsageException("--alg: a derivation key's algorithm is the NIST SP 800-108 KDF; leave --alg out.");
        }

        if ((usages & TmeKeyUsages.Wrap) != 0 && alg is null)
        {
            // A storage-class key-wrapping key: it wraps the keys that persist (docs/crypto-cli.md).
            return TmeKeyPolicyBuilder.KeyWrapping(length, TmeKeyProfile.WrapStorage).WithUsages(usages);
        }

        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.Aes(length, AesMode(alg ?? "aes-gcm")).WithUsages(usages);
        return (usages & TmeKeyUsages.Wrap) != 0 ? builder.WithProfile(TmeKeyProfile.WrapStorage) : builder;
    }

    private static TmeKeyPolicyBuilder Hmac(string alg)
    {
        TmeHashAlgorithm hash = Hash(alg);
        TmeKeyLength length = hash switch
        {
            TmeHashAlgorithm.Sha384 => TmeKeyLength.Bits384,
            TmeHashAlgorithm.Sha512 => TmeKeyLength.Bits512,
            _ => TmeKeyLength.Bits256,
        };
        return TmeKeyPolicyBuilder.Hmac(hash, length);
    }
}
