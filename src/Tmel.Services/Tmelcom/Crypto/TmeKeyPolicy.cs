namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>A 64-bit TME key policy (<c>struct tme_key_policy {u32 low; u32 high}</c>, tmelcom-services.md §4.3): what a key is and what it may be used for.</summary>
/// <remarks>
/// <code>
///  low word                                        high word
///  bits   field                                    bits   field
///  0-2    KT  key type (0 sym, 1 ECC, 5 RSA)       1-4    KWC wrapping constraints
///  3-6    KL  key length code                      5      KTH throttling
///  7-9    KP  key profile (symmetric)              6-11   KD  destination (policy version 4)
///  10-13  KOP operations                           12-15  KPV policy version (3 or 4)
///  14-19  KAL algorithm                            16-27  KAU authorised users
///  20-21  KSL security level
///  22-25  KD  destination (policy version 3)
///  26-29  KO  owner
///  30-31  KLI lineage
/// </code>
/// The properties read the fields; the simulator checks them on every use of a key.
/// </remarks>
/// <param name="Low">The low word.</param>
/// <param name="High">The high word.</param>
public readonly record struct TmeKeyPolicy(uint Low, uint High)
{
    /// <summary>The policy's size in bytes inside a struct.</summary>
    public const int Size = 8;

    /// <summary>Gets the key type (KT, low bits 0-2).</summary>
    public TmeKeyType KeyType => (TmeKeyType)Field(Low, 0, 3);

    /// <summary>Gets the key length code (KL, low bits 3-6).</summary>
    public TmeKeyLength KeyLength => (TmeKeyLength)Field(Low, 3, 4);

    /// <summary>Gets the key profile (KP, low bits 7-9; symmetric keys only).</summary>
    public TmeKeyProfile Profile => (TmeKeyProfile)Field(Low, 7, 3);

    /// <summary>Gets the permitted operations (KOP, low bits 10-13); their meaning depends on <see cref="KeyType"/>.</summary>
    public uint Operations => Field(Low, 10, 4);

    /// <summary>Gets the algorithm (KAL, low bits 14-19): a <see cref="TmeKeyAlgorithm"/> for symmetric keys, ECDSA 0 or ECDH 1 (plus family) for ECC keys.</summary>
    public uint Algorithm => Field(Low, 14, 6);

    /// <summary>Gets the security level (KSL, low bits 20-21).</summary>
    public uint SecurityLevel => Field(Low, 20, 2);

    /// <summary>Gets the owner (KO, low bits 26-29).</summary>
    public uint Owner => Field(Low, 26, 4);

    /// <summary>Gets the lineage (KLI, low bits 30-31).</summary>
    public uint Lineage => Field(Low, 30, 2);

    /// <summary>Gets the wrapping constraints (KWC, high bits 1-4): 1 KWK_EXPORT, 2 KWK_STORAGE, 4 KWK_TRANSPORT, 8 KWK_SESSION; 0 = not wrappable.</summary>
    public uint WrapConstraints => Field(High, 1, 4);

    /// <summary>Gets the throttling bit (KTH, high bit 5).</summary>
    public bool Throttled => Field(High, 5, 1) != 0;

    /// <summary>Gets the destination of a version-4 policy (KD, high bits 6-11).</summary>
    public uint Destination => Field(High, 6, 6);

    /// <summary>Gets the policy version (KPV, high bits 12-15): 3 (A1) or 4 (every client seen).</summary>
    public uint Version => Field(High, 12, 4);

    /// <summary>Gets the authorised users (KAU, high bits 16-27).</summary>
    public uint AuthorisedUsers => Field(High, 16, 12);

    private static uint Field(uint word, int shift, int bits) => (word >> shift) & ((1u << bits) - 1);
}
