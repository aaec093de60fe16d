using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>The 224-byte OEM metadata 2.0 of a v7 hash segment (services.md §1.4), with the values TSIM-MBN7 uses (§1.8).</summary>
/// <remarks>
/// <code>
///  off  size  field                           TSIM-MBN7 value
///  0    4     major                           2
///  4    4     minor                           0
///  8    4     anti_rollback_version           0..127
///  12   4     root_cert_index (MRC)           0
///  16   48    soc_hw_versions[12]             zero (not bound; the verifier requires zero)
///  64   4     soc_feature_id                  0 (not bound; the verifier requires zero)
///  68   4     jtag_id (= HW_ID)               the device's HW_ID
///  72   64    serial_numbers[8] (u64)         zero (not bound; the verifier requires zero)
///  136  4     oem_id                          OEM_ID
///  140  4     oem_product_id (= MODEL_ID)     MODEL_ID
///  144  8     oem_lifecycle_state (u64)       1 development / 2 production
///  152  4     oem_root_cert_hash_algorithm    3 (SHA-384)
///  156  64    oem_root_cert_hash              SHA-384 of the root certificate DER, then 16 zero bytes
///  220  4     flags                           see <see cref="TsimFlags"/>
///  224        end
/// </code>
/// Only the fields TSIM-MBN7 reads are kept; <see cref="Write"/> writes zeros in the others.
/// </remarks>
internal sealed class OemMetadata
{
    public const int Size = 224;
    public const uint Major2 = 2;
    public const uint MaxAntiRollbackVersion = 127;
    public const int RootCertHashSize = 64;

    // Flags: eleven 2-bit fields, 01 = false ("Nop"), 10 = true; for debug 10 = disabled, 11 = enabled for the matching serial.
    public const int FlagSocHwVersions = 0;
    public const int FlagFeatureId = 1;
    public const int FlagJtagId = 2;
    public const int FlagSerialNumbers = 3;
    public const int FlagOemId = 4;
    public const int FlagOemProductId = 5;
    public const int FlagSocLifecycle = 6;
    public const int FlagOemLifecycle = 7;
    public const int FlagOemRootCertHash = 8;
    public const int FlagDebug = 9;
    public const int FlagTransferRoot = 10;
    public const int FlagFieldCount = 11;

    public const uint FlagFalse = 0b01;
    public const uint FlagTrue = 0b10;
    public const uint DebugDisabled = 0b10;
    public const uint DebugEnabledForSerial = 0b11;

    /// <summary>Every field false (services.md §1.4).</summary>
    public const uint AllFalseFlags = 0x0015_5555;

    /// <summary>
    /// TSIM-MBN7's flags: bound to JTAG (HW) id, OEM id, OEM product id and OEM root-cert hash; debug disabled; every other
    /// field false. The sheet's list omits the JTAG id; we bind it because the verifier checks HW_ID against the fuse.
    /// </summary>
    public static readonly uint TsimFlags = WithField(
        WithField(WithField(WithField(WithField(AllFalseFlags, FlagJtagId, FlagTrue), FlagOemId, FlagTrue), FlagOemProductId, FlagTrue), FlagOemRootCertHash, FlagTrue),
        FlagDebug,
        DebugDisabled);

    /// <summary>The fields TSIM-MBN7 leaves unused (no fuse to bind them to), which must be zero: offset, length, name.</summary>
    private static readonly (int Offset, int Length, string Name)[] s_unusedFields =
    [
        (16, 48, "soc_hw_versions"),
        (64, 4, "soc_feature_id"),
        (72, 64, "serial_numbers"),
    ];

    public uint Major { get; init; } = Major2;
    public uint Minor { get; init; }
    public uint AntiRollbackVersion { get; init; }
    public uint RootCertIndex { get; init; }
    public uint SocFeatureId { get; init; }
    public uint JtagId { get; init; }
    public uint OemId { get; init; }
    public uint OemProductId { get; init; }
    public ulong OemLifecycleState { get; init; }
    public uint RootCertHashAlgorithm { get; init; }

    /// <summary>The 64-byte hash field as stored (zero-padded).</summary>
    public byte[] RootCertHash { get; init; } = new byte[RootCertHashSize];

    public uint Flags { get; init; }

    /// <summary>Bits 22..31 of <see cref="Flags"/>, which no field uses.</summary>
    public uint UnusedFlagBits => Flags & ~((1u << (2 * FlagFieldCount)) - 1);

    public static uint Field(uint flags, int field) => (flags >> (2 * field)) & 0b11;

    public static uint WithField(uint flags, int field, uint value) => (flags & ~(0b11u << (2 * field))) | (value << (2 * field));

    /// <summary>The name of the first unused field (soc_hw_versions, soc_feature_id, serial_numbers) of the 224 bytes at <paramref name="source"/> that is not all zero, or <see langword="null"/>.</summary>
    public static string? FindNonZeroUnusedField(ReadOnlySpan<byte> source)
    {
        foreach ((int offset, int length, string name) in s_unusedFields)
        {
            if (source.Slice(offset, length).ContainsAnyExcept((byte)0))
            {
                return name;
            }
        }

        return null;
    }

    public static OemMetadata Read(ReadOnlySpan<byte> source) => new()
    {
        Major = BinaryPrimitives.ReadUInt32LittleEndian(source),
        Minor = BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
        AntiRollbackVersion = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
        RootCertIndex = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
        SocFeatureId = BinaryPrimitives.ReadUInt32LittleEndian(source[64..]),
        JtagId = BinaryPrimitives.ReadUInt32LittleEndian(source[68..]),
        OemId = BinaryPrimitives.ReadUInt32LittleEndian(source[136..]),
        OemProductId = BinaryPrimitives.ReadUInt32LittleEndian(source[140..]),
        OemLifecycleState = BinaryPrimitives.ReadUInt64LittleEndian(source[144..]),
        RootCertHashAlgorithm = BinaryPrimitives.ReadUInt32LittleEndian(source[152..]),
        RootCertHash = source.Slice(156, RootCertHashSize).ToArray(),
        Flags = BinaryPrimitives.ReadUInt32LittleEndian(source[220..]),
    };

    public void Write(Span<byte> destination)
    {
        Span<byte> d = destination[..Size];
        d.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(d, Major);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(d[8..], AntiRollbackVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(d[12..], RootCertIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[64..], SocFeatureId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[68..], JtagId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[136..], OemId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[140..], OemProductId);
        BinaryPrimitives.WriteUInt64LittleEndian(d[144..], OemLifecycleState);
        BinaryPrimitives.WriteUInt32LittleEndian(d[152..], RootCertHashAlgorithm);
        RootCertHash.AsSpan(0, Math.Min(RootCertHash.Length, RootCertHashSize)).CopyTo(d[156..]);
        BinaryPrimitives.WriteUInt32LittleEndian(d[220..], Flags);
    }
}
