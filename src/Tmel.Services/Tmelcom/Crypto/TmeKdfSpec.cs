using System.Buffers.Binary;

namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The KDF spec KM_DERIVE's <c>kdf_info</c> points at (<c>struct tme_kdf_spec</c>, packed, 232 bytes; tmelcom-services.md §4.6).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     kdf_algo           0x80000 NIST SP 800-108, 0x84000 HKDF
///  4       4     input_key          input key id (IKS / IKM)
///  8       4     mix_key            mixing key id (with security_context bit 0x80)
///  12      4     l2_key             L2 key id when deriving an L3 key
///  16      8     policy             {low, high}: the derived key's policy
///  24      128   sw_context[128]    software context bytes
///  152     4     sw_context_len     used bytes of sw_context (at most 128)
///  156     4     security_context   TME_KSC_* bits of hardware values mixed in
///  160     64    salt_label[64]     salt (HKDF) or label (NIST)
///  224     4     salt_label_len     used bytes of salt_label (at most 64)
///  228     4     prf_digest_algo    0x48000 SHA256_HMAC, 0x58000 SHA512_HMAC
///  total   232
/// </code>
/// Encoding writes the unused tails of <c>sw_context</c> and <c>salt_label</c> as zero; decoding ignores them.
/// </remarks>
public sealed class TmeKdfSpec
{
    /// <summary>The spec's size in bytes.</summary>
    public const int Size = 232;

    /// <summary>The capacity of <c>sw_context</c> in bytes.</summary>
    public const int MaxSoftwareContextLength = 128;

    /// <summary>The capacity of <c>salt_label</c> in bytes.</summary>
    public const int MaxSaltLabelLength = 64;

    private const int SoftwareContextOffset = 24;
    private const int SaltLabelOffset = 160;

    /// <summary>Gets the KDF (<c>kdf_algo</c>): <see cref="TmeCryptoIds.KdfNist"/> or <see cref="TmeCryptoIds.KdfHkdf"/>.</summary>
    public uint KdfAlgorithm { get; init; } = TmeCryptoIds.KdfNist;

    /// <summary>Gets the input key's id or handle (<c>input_key</c>).</summary>
    public uint InputKey { get; init; }

    /// <summary>Gets the mixing key's id or handle (<c>mix_key</c>).</summary>
    public uint MixKey { get; init; }

    /// <summary>Gets the L2 key id (<c>l2_key</c>).</summary>
    public uint L2Key { get; init; }

    /// <summary>Gets the derived key's policy.</summary>
    public TmeKeyPolicy Policy { get; init; }

    /// <summary>Gets the software context bytes (at most 128).</summary>
    public ReadOnlyMemory<byte> SoftwareContext { get; init; }

    /// <summary>Gets the <c>TME_KSC_*</c> bits of hardware values mixed in (<c>security_context</c>).</summary>
    public uint SecurityContext { get; init; }

    /// <summary>Gets the salt (HKDF) or label (NIST) bytes (at most 64).</summary>
    public ReadOnlyMemory<byte> SaltLabel { get; init; }

    /// <summary>Gets the PRF (<c>prf_digest_algo</c>): <see cref="TmeCryptoIds.PrfSha256Hmac"/> or <see cref="TmeCryptoIds.PrfSha512Hmac"/>.</summary>
    public uint PrfDigestAlgorithm { get; init; } = TmeCryptoIds.PrfSha512Hmac;

    /// <summary>Writes the 232-byte spec.</summary>
    /// <param name="destination">Where to write; at least <see cref="Size"/> bytes.</param>
    /// <returns><see cref="Size"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short, or a context is longer than its field.</exception>
    public int Encode(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SoftwareContext.Length, MaxSoftwareContextLength, nameof(SoftwareContext));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SaltLabel.Length, MaxSaltLabelLength, nameof(SaltLabel));
        Span<byte> spec = destination[..Size];
        spec.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(spec, KdfAlgorithm);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[4..], InputKey);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[8..], MixKey);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[12..], L2Key);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[16..], Policy.Low);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[20..], Policy.High);
        SoftwareContext.Span.CopyTo(spec[SoftwareContextOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[152..], (uint)SoftwareContext.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[156..], SecurityContext);
        SaltLabel.Span.CopyTo(spec[SaltLabelOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[224..], (uint)SaltLabel.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(spec[228..], PrfDigestAlgorithm);
        return Size;
    }

    /// <summary>Reads a 232-byte spec.</summary>
    /// <param name="spec">Exactly <see cref="Size"/> bytes.</param>
    /// <returns>The spec, with copies of the used context bytes.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException">The length is not 232, or a used length exceeds its field.</exception>
    public static TmeKdfSpec Decode(ReadOnlySpan<byte> spec)
    {
        if (spec.Length != Size)
        {
            TmelcomThrowHelper.ThrowWrongLength("tme_kdf_spec", spec.Length, Size);
        }

        uint softwareContextLength = BinaryPrimitives.ReadUInt32LittleEndian(spec[152..]);
        uint saltLabelLength = BinaryPrimitives.ReadUInt32LittleEndian(spec[224..]);
        if (softwareContextLength > MaxSoftwareContextLength)
        {
            TmelcomThrowHelper.ThrowMalformed("tme_kdf_spec", $"sw_context_len {softwareContextLength} is above {MaxSoftwareContextLength}");
        }

        if (saltLabelLength > MaxSaltLabelLength)
        {
            TmelcomThrowHelper.ThrowMalformed("tme_kdf_spec", $"salt_label_len {saltLabelLength} is above {MaxSaltLabelLength}");
        }

        return new TmeKdfSpec
        {
            KdfAlgorithm = BinaryPrimitives.ReadUInt32LittleEndian(spec),
            InputKey = BinaryPrimitives.ReadUInt32LittleEndian(spec[4..]),
            MixKey = BinaryPrimitives.ReadUInt32LittleEndian(spec[8..]),
            L2Key = BinaryPrimitives.ReadUInt32LittleEndian(spec[12..]),
            Policy = new TmeKeyPolicy(BinaryPrimitives.ReadUInt32LittleEndian(spec[16..]), BinaryPrimitives.ReadUInt32LittleEndian(spec[20..])),
            SoftwareContext = spec.Slice(SoftwareContextOffset, (int)softwareContextLength).ToArray(),
            SecurityContext = BinaryPrimitives.ReadUInt32LittleEndian(spec[156..]),
            SaltLabel = spec.Slice(SaltLabelOffset, (int)saltLabelLength).ToArray(),
            PrfDigestAlgorithm = BinaryPrimitives.ReadUInt32LittleEndian(spec[228..]),
        };
    }
}
