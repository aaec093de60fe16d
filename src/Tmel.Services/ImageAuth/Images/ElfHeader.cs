using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>An ELF file header, ELF32 or ELF64, little-endian only.</summary>
/// <remarks>
/// <code>
///  ELF32  ELF64  size32/64  field
///  0      0      16         e_ident: 7F 'E' 'L' 'F', class (1/2), data (1 = LSB), version (1), OS ABI, ABI version, 7 pad
///  16     16     2          e_type
///  18     18     2          e_machine
///  20     20     4          e_version
///  24     24     4 / 8      e_entry
///  28     32     4 / 8      e_phoff
///  32     40     4 / 8      e_shoff
///  36     48     4          e_flags
///  40     52     2          e_ehsize
///  42     54     2          e_phentsize
///  44     56     2          e_phnum
///  46     58     2          e_shentsize
///  48     60     2          e_shnum
///  50     62     2          e_shstrndx
///  52     64                end
/// </code>
/// </remarks>
internal readonly record struct ElfHeader
{
    public bool Is64 { get; init; }
    public byte OsAbi { get; init; }
    public byte AbiVersion { get; init; }
    public ushort Type { get; init; }
    public ushort Machine { get; init; }
    public uint Version { get; init; }
    public ulong Entry { get; init; }
    public ulong ProgramHeaderOffset { get; init; }
    public ulong SectionHeaderOffset { get; init; }
    public uint Flags { get; init; }
    public ushort HeaderSize { get; init; }
    public ushort ProgramHeaderEntrySize { get; init; }
    public ushort ProgramHeaderCount { get; init; }
    public ushort SectionHeaderEntrySize { get; init; }
    public ushort SectionHeaderCount { get; init; }
    public ushort SectionNameIndex { get; init; }

    /// <summary>The header size of this class: 52 or 64.</summary>
    public int ClassHeaderSize => Is64 ? ElfConstants.Elf64HeaderSize : ElfConstants.Elf32HeaderSize;

    /// <summary>The program header size of this class: 32 or 56.</summary>
    public int ClassProgramHeaderSize => Is64 ? ElfConstants.Elf64ProgramHeaderSize : ElfConstants.Elf32ProgramHeaderSize;

    /// <summary>Reads the header; the identification bytes are checked, nothing else.</summary>
    /// <returns><see langword="null"/> on success, otherwise why the bytes are not a little-endian ELF header.</returns>
    public static string? TryRead(ReadOnlySpan<byte> data, out ElfHeader header)
    {
        header = default;
        if (data.Length < ElfConstants.IdentSize || data[0] != 0x7F || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
        {
            return "not an ELF file (no \\x7FELF magic)";
        }

        byte elfClass = data[4];
        if (elfClass is not (ElfConstants.ClassElf32 or ElfConstants.ClassElf64))
        {
            return $"unknown ELF class {elfClass}";
        }

        if (data[5] == ElfConstants.DataBigEndian)
        {
            return "big-endian ELF files are not supported";
        }

        if (data[5] != ElfConstants.DataLittleEndian)
        {
            return $"unknown ELF data encoding {data[5]}";
        }

        if (data[6] != ElfConstants.VersionCurrent)
        {
            return $"unknown ELF identification version {data[6]}";
        }

        bool is64 = elfClass == ElfConstants.ClassElf64;
        int size = is64 ? ElfConstants.Elf64HeaderSize : ElfConstants.Elf32HeaderSize;
        if (data.Length < size)
        {
            return $"the ELF header needs {size} bytes; only {data.Length} are there";
        }

        header = is64
            ? new ElfHeader
            {
                Is64 = true,
                OsAbi = data[7],
                AbiVersion = data[8],
                Type = BinaryPrimitives.ReadUInt16LittleEndian(data[16..]),
                Machine = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]),
                Version = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]),
                Entry = BinaryPrimitives.ReadUInt64LittleEndian(data[24..]),
                ProgramHeaderOffset = BinaryPrimitives.ReadUInt64LittleEndian(data[32..]),
                SectionHeaderOffset = BinaryPrimitives.ReadUInt64LittleEndian(data[40..]),
                Flags = BinaryPrimitives.ReadUInt32LittleEndian(data[48..]),
                HeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(data[52..]),
                ProgramHeaderEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[54..]),
                ProgramHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(data[56..]),
                SectionHeaderEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[58..]),
                SectionHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(data[60..]),
                SectionNameIndex = BinaryPrimitives.ReadUInt16LittleEndian(data[62..]),
            }
            : new ElfHeader
            {
                Is64 = false,
                OsAbi = data[7],
                AbiVersion = data[8],
                Type = BinaryPrimitives.ReadUInt16LittleEndian(data[16..]),
                Machine = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]),
                Version = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]),
                Entry = BinaryPrimitives.ReadUInt32LittleEndian(data[24..]),
                ProgramHeaderOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[28..]),
                SectionHeaderOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[32..]),
                Flags = BinaryPrimitives.ReadUInt32LittleEndian(data[36..]),
                HeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(data[40..]),
                ProgramHeaderEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[42..]),
                ProgramHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(data[44..]),
                SectionHeaderEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(data[46..]),
                SectionHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(data[48..]),
                SectionNameIndex = BinaryPrimitives.ReadUInt16LittleEndian(data[50..]),
            };
        return null;
    }

    /// <summary>Writes the header into the first <see cref="ClassHeaderSize"/> bytes of <paramref name="destination"/>; ELF32 fields must fit 32 bits.</summary>
    public void Write(Span<byte> destination)
    {
        Span<byte> d = destination[..ClassHeaderSize];
        d.Clear();
        d[0] = 0x7F;
        d[1] = (byte)'E';
        d[2] = (byte)'L';
        d[3] = (byte)'F';
        d[4] = Is64 ? ElfConstants.ClassElf64 : ElfConstants.ClassElf32;
        d[5] = ElfConstants.DataLittleEndian;
        d[6] = ElfConstants.VersionCurrent;
        d[7] = OsAbi;
        d[8] = AbiVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(d[16..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(d[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(d[20..], Version);
        if (Is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(d[24..], Entry);
            BinaryPrimitives.WriteUInt64LittleEndian(d[32..], ProgramHeaderOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(d[40..], SectionHeaderOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(d[48..], Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(d[52..], HeaderSize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[54..], ProgramHeaderEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[56..], ProgramHeaderCount);
            BinaryPrimitives.WriteUInt16LittleEndian(d[58..], SectionHeaderEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[60..], SectionHeaderCount);
            BinaryPrimitives.WriteUInt16LittleEndian(d[62..], SectionNameIndex);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(d[24..], checked((uint)Entry));
            BinaryPrimitives.WriteUInt32LittleEndian(d[28..], checked((uint)ProgramHeaderOffset));
            BinaryPrimitives.WriteUInt32LittleEndian(d[32..], checked((uint)SectionHeaderOffset));
            BinaryPrimitives.WriteUInt32LittleEndian(d[36..], Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(d[40..], HeaderSize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[42..], ProgramHeaderEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[44..], ProgramHeaderCount);
            BinaryPrimitives.WriteUInt16LittleEndian(d[46..], SectionHeaderEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(d[48..], SectionHeaderCount);
            BinaryPrimitives.WriteUInt16LittleEndian(d[50..], SectionNameIndex);
        }
    }
}
