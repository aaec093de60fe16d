namespace Tmel.Services.ImageAuth;

/// <summary>The ELF and Qualcomm MBN constants the TSIM-MBN7 code uses (services.md §1.1, §1.8).</summary>
internal static class ElfConstants
{
    public const int IdentSize = 16;
    public const byte ClassElf32 = 1;
    public const byte ClassElf64 = 2;
    public const byte DataLittleEndian = 1;
    public const byte DataBigEndian = 2;
    public const byte VersionCurrent = 1;

    public const ushort TypeExecutable = 2;
    public const ushort TypeSharedObject = 3;

    public const int Elf32HeaderSize = 52;
    public const int Elf64HeaderSize = 64;
    public const int Elf32ProgramHeaderSize = 32;
    public const int Elf64ProgramHeaderSize = 56;

    /// <summary><c>PN_XNUM</c>: the real count lives in section header 0; not supported.</summary>
    public const ushort ExtendedNumbering = 0xFFFF;

    public const uint ProgramNull = 0;
    public const uint ProgramLoad = 1;
    public const uint ProgramNote = 4;

    /// <summary>QCOM bits 20..27 of <c>p_flags</c>: page mode, access type, segment type, pool index.</summary>
    public const uint QcomBitsMask = 0x0FF0_0000;

    /// <summary><c>QCOM_MDT_TYPE_MASK</c>: the segment type, bits 24..26.</summary>
    public const uint QcomTypeMask = 0x0700_0000;

    /// <summary><c>QCOM_MDT_TYPE_HASH</c>: segment type 2.</summary>
    public const uint QcomTypeHash = 0x0200_0000;

    /// <summary>Segment type 7, "PHDR".</summary>
    public const uint QcomTypePhdr = 0x0700_0000;

    /// <summary><c>p_flags</c> of phdr[0]: segment type 7 (PHDR), everything else 0.</summary>
    public const uint PhdrSegmentFlags = 0x0700_0000;

    /// <summary><c>p_flags</c> of phdr[1]: segment type 2 (HASH), access type 1 (RO).</summary>
    public const uint HashSegmentFlags = 0x0220_0000;

    /// <summary>File and memory alignment of the hash segment, and the carve-out granule.</summary>
    public const uint PageSize = 0x1000;

    /// <summary>The most program headers a TSIM-MBN7 image may have (services.md §1.8).</summary>
    public const int MaxProgramHeaders = 100;

    /// <summary>The end of the 32-bit bus address space the simulated TME-L sees.</summary>
    public const ulong AddressSpaceEnd = 1UL << 32;

    /// <summary>
    /// The largest file offset a TSIM-MBN7 file range may reach: 4 GiB, a 32-bit file offset, like the bus. SEC_AUTH never
    /// sees the file, so it bounds every range by this; a verifier holding the file bounds them by its length.
    /// </summary>
    public const ulong MaxFileEnd = 1UL << 32;

    /// <summary>The largest <c>p_align</c> the signer takes and the verifier accepts (256 MiB, the largest carve-out).</summary>
    public const ulong MaxAlign = 0x1000_0000;

    /// <summary>Whether <paramref name="align"/> is a valid <c>p_align</c>: 0 or 1 (none), or a power of two up to <see cref="MaxAlign"/>.</summary>
    public static bool IsValidAlign(ulong align) => align <= MaxAlign && (align & (align - 1)) == 0;

    public static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) / alignment * alignment;

    public static ulong AlignDown(ulong value, ulong alignment) => value / alignment * alignment;
}
