namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The key type field of a <see cref="TmeKeyPolicy"/> (KT, §4.3).</summary>
public enum TmeKeyType
{
    /// <summary>0: a symmetric key (AES, HMAC, KDF).</summary>
    Symmetric = 0,

    /// <summary>1: an asymmetric ECC key.</summary>
    Ecc = 1,

    /// <summary>5: an asymmetric RSA key.</summary>
    Rsa = 5,
}

/// <summary>The key length field of a <see cref="TmeKeyPolicy"/> (KL, §4.3).</summary>
public enum TmeKeyLength
{
    /// <summary>0: 64 bits.</summary>
    Bits64 = 0,

    /// <summary>1: 128 bits.</summary>
    Bits128 = 1,

    /// <summary>2: 192 bits.</summary>
    Bits192 = 2,

    /// <summary>3: 224 bits.</summary>
    Bits224 = 3,

    /// <summary>4: 256 bits.</summary>
    Bits256 = 4,

    /// <summary>5: 384 bits.</summary>
    Bits384 = 5,

    /// <summary>6: 448 bits.</summary>
    Bits448 = 6,

    /// <summary>7: 512 bits.</summary>
    Bits512 = 7,

    /// <summary>8: 521 bits.</summary>
    Bits521 = 8,

    /// <summary>9: 2048 bits.</summary>
    Bits2048 = 9,

    /// <summary>0xA: 3072 bits.</summary>
    Bits3072 = 0xA,

    /// <summary>0xB: 4096 bits.</summary>
    Bits4096 = 0xB,

    /// <summary>0xC: 456 bits.</summary>
    Bits456 = 0xC,
}

/// <summary>The key profile field of a symmetric <see cref="TmeKeyPolicy"/> (KP, §4.3).</summary>
public enum TmeKeyProfile
{
    /// <summary>0: a generic key.</summary>
    Generic = 0,

    /// <summary>1: a key-derivation key.</summary>
    KeyDerivation = 1,

    /// <summary>2: a storage key-wrapping key.</summary>
    WrapStorage = 2,

    /// <summary>3: a session key-wrapping key.</summary>
    WrapSession = 3,

    /// <summary>4: a transport key-wrapping key.</summary>
    WrapTransport = 4,

    /// <summary>5: an export key-wrapping key.</summary>
    WrapExport = 5,
}

/// <summary>Symmetric algorithm codes of a <see cref="TmeKeyPolicy"/> (KAL, low bits 14-19, §4.3), unshifted.</summary>
public enum TmeKeyAlgorithm
{
    /// <summary>0x00: AES-128 ECB.</summary>
    Aes128Ecb = 0x00,

    /// <summary>0x01: AES-256 ECB.</summary>
    Aes256Ecb = 0x01,

    /// <summary>0x04: AES-128 CBC.</summary>
    Aes128Cbc = 0x04,

    /// <summary>0x05: AES-256 CBC.</summary>
    Aes256Cbc = 0x05,

    /// <summary>0x12: HMAC-SHA-256.</summary>
    Sha256Hmac = 0x12,

    /// <summary>0x15: HMAC-SHA-384.</summary>
    Sha384Hmac = 0x15,

    /// <summary>0x16: HMAC-SHA-512.</summary>
    Sha512Hmac = 0x16,

    /// <summary>0x17: AES-128 GCM.</summary>
    Aes128Gcm = 0x17,

    /// <summary>0x18: AES-256 GCM.</summary>
    Aes256Gcm = 0x18,

    /// <summary>0x20: NIST SP 800-108 KDF.</summary>
    KdfNist = 0x20,

    /// <summary>0x21: HKDF.</summary>
    KdfHkdf = 0x21,
}
