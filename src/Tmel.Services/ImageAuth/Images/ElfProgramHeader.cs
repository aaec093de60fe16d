using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>One ELF program header, read from or written to either class.</summary>
/// <remarks>
/// <code>
///  ELF32 (32 bytes)            ELF64 (56 bytes)
///  0   4  p_type               0   4  p_type
///  4   4  p_offset             4   4  p_flags
///  8   4  p_vaddr              8   8  p_offset
///  12  4  p_paddr              16  8  p_vaddr
///  16  4  p_filesz             24  8  p_paddr
///  20  4  p_memsz              32  8  p_filesz
///  24  4  p_flags              40  8  p_memsz
///  28  4  p_align              48  8  p_align
/// </code>
/// </remarks>
internal readonly record struct ElfProgramHeader(
    uint Type,
    uint Flags,
    ulong Offset,
    ulong VirtualAddress,
    ulong PhysicalAddress,
    ulong FileSize,
    ulong MemorySize,
    ulong Align)
{
    /// <summary>The QCOM segment type bits (24..26) of <see cref="Flags"/>, in place.</summary>
    public uint QcomType => Flags & ElfConstants.QcomTypeMask;

    /// <summary>Linux's and OP-TEE's rule: PT_LOAD, not of QCOM type HASH, and <c>p_memsz != 0</c>.</summary>
    public bool IsHashed => Type == ElfConstants.ProgramLoad && QcomType != ElfConstants.QcomTypeHash && MemorySize != 0;

    public static ElfProgramHeader Read(ReadOnlySpan<byte> entry, bool is64) => is64
        ? new ElfProgramHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(entry),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]))
        : new ElfProgramHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(entry),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(entry[28..]));

    /// <summary>Reads <paramref name="count"/> consecutive entries; the caller has checked the bounds.</summary>
    public static ElfProgramHeader[] ReadTable(ReadOnlySpan<byte> table, int count, bool is64)
    {
        int size = is64 ? ElfConstants.Elf64ProgramHeaderSize : ElfConstants.Elf32ProgramHeaderSize;
        var headers = new ElfProgramHeader[count];
        for (int i = 0; i < count; i++)
        {
            headers[i] = Read(table.Slice(i * size, size), is64);
        }

        return headers;
    }

    /// <summary>Writes the entry; in ELF32 every field must fit 32 bits (the caller has checked).</summary>
    public void Write(Span<byte> entry, bool is64)
    {
        if (is64)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry, Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], Offset);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], VirtualAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], PhysicalAddress);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], FileSize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[40..], MemorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[48..], Align);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry, Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], checked((uint)Offset));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], checked((uint)VirtualAddress));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], checked((uint)PhysicalAddress));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], checked((uint)FileSize));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], checked((uint)MemorySize));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[28..], checked((uint)Align));
        }
    }
}
