namespace Tmel.Services.Crypto;

/// <summary>What a key may be used for: the named form of a <see cref="Tmelcom.Crypto.TmeKeyPolicy"/>'s operations (KOP) and, for ECC keys, its algorithm.</summary>
/// <remarks>
/// <see cref="TmeKeyPolicyBuilder"/> turns them into the §4.3 fields: for a symmetric key <see cref="Encrypt"/> is KOP bit 1 and
/// <see cref="Decrypt"/> bit 2, <see cref="Derive"/> and <see cref="Mac"/> are KOP 4 (a key does one of them), <see cref="Wrap"/>
/// makes a key-wrapping key (KOP 3 with a KWK profile); for an ECC key <see cref="Sign"/> and <see cref="Verify"/> are ECDSA
/// (KOP 1, algorithm 0) and <see cref="Derive"/> is ECDH (KOP 2, algorithm 1). docs/crypto-cli.md has the table.
/// </remarks>
[Flags]
public enum TmeKeyUsages
{
    /// <summary>No use.</summary>
    None = 0,

    /// <summary>AES encryption (symmetric KOP bit 1).</summary>
    Encrypt = 1,

    /// <summary>AES decryption (symmetric KOP bit 2).</summary>
    Decrypt = 2,

    /// <summary>ECDSA signing (ECC KOP 1, algorithm ECDSA).</summary>
    Sign = 4,

    /// <summary>ECDSA verification with the key's public half (ECC KOP 1, algorithm ECDSA).</summary>
    Verify = 8,

    /// <summary>Key derivation: a NIST SP 800-108 key-derivation key (symmetric KOP 4, KAL KDF_NIST), or an ECDH key (ECC KOP 2, algorithm ECDH).</summary>
    Derive = 16,

    /// <summary>Wrapping other keys: a key-wrapping key (symmetric KOP 3 with a KWK profile).</summary>
    Wrap = 32,

    /// <summary>HMAC (symmetric KOP 4 with an HMAC KAL).</summary>
    Mac = 64,
}
