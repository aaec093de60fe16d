namespace Tmel.Services.ImageAuth;

/// <summary>
/// The ELF header and program headers of a TSIM-MBN7 image, checked against services.md §1.8: the bounded reader behind
/// the verifier's step 1 and <see cref="TsimImage.Parse"/>.
/// </summary>
/// <remarks>
/// Checked: the ELF identification (class 32/64, little-endian, version 1); <c>e_ehsize</c> 52/64, <c>e_phoff == e_ehsize</c>,
/// <c>e_phentsize</c> 32/56, 2 ≤ <c>e_phnum</c> ≤ 100; the phdr table inside the bytes given; phdr[0] PT_NULL with flags
/// 0x07000000, offset 0 and <c>p_filesz = e_ehsize + e_phnum·e_phentsize</c>; phdr[1] PT_NULL (Linux only asks phdr[0]
/// not to be PT_LOAD; TSIM-MBN7 fixes phdr[1] as the hash segment); every hashed PT_LOAD with <c>filesz ≤ memsz</c>, inside
/// the 32-bit bus address space, and not overlapping another one in memory. Nothing is allocated beyond the phdr array
/// (at most 100 entries).
/// </remarks>
internal sealed class SignedElfLayout
{
    private SignedElfLayout(ElfHeader header, ElfProgramHeader[] programHeaders, int headerLength)
    {
        Header = header;
        ProgramHeaders = programHeaders;
        HeaderLength = headerLength;
    }

    public ElfHeader Header { get; }

    public ElfProgramHeader[] ProgramHeaders { get; }

    /// <summary>The ELF header plus the phdr table: phdr[0]'s <c>p_filesz</c>, and what hash entry 0 covers.</summary>
    public int HeaderLength { get; }

    /// <summary>Reads and checks the layout at the start of <paramref name="data"/> (a whole file, or the metadata blob).</summary>
    /// <returns><see langword="null"/> on success, otherwise why the bytes are not a TSIM-MBN7 ELF.</returns>
    public static string? TryRead(ReadOnlySpan<byte> data, out SignedElfLayout? layout)
    {
        layout = null;
        string? error = ElfHeader.TryRead(data, out ElfHeader header);
        if (error is not null)
        {
            return error;
        }

        if (header.HeaderSize != header.ClassHeaderSize)
        {
            return $"e_ehsize is {header.HeaderSize}; an ELF{(header.Is64 ? 64 : 32)} header is {header.ClassHeaderSize} bytes";
        }

        if (header.ProgramHeaderOffset != header.HeaderSize)
        {
            return $"e_phoff is 0x{header.ProgramHeaderOffset:X}; the phdr table must follow the ELF header at 0x{header.HeaderSize:X}";
        }

        if (header.ProgramHeaderEntrySize != header.ClassProgramHeaderSize)
        {
            return $"e_phentsize is {header.ProgramHeaderEntrySize}; an ELF{(header.Is64 ? 64 : 32)} phdr is {header.ClassProgramHeaderSize} bytes";
        }

        int count = header.ProgramHeaderCount;
        if (count is < 2 or > ElfConstants.MaxProgramHeaders)
        {
            return $"e_phnum is {count}; a signed image has 2..{ElfConstants.MaxProgramHeaders} program headers";
        }

        int headerLength = header.HeaderSize + (count * header.ProgramHeaderEntrySize);
        if (headerLength > data.Length)
        {
            return $"the ELF header and {count} program headers need {headerLength} bytes; only {data.Length} are there";
        }

        ElfProgramHeader[] phdrs = ElfProgramHeader.ReadTable(data[header.HeaderSize..headerLength], count, header.Is64);
        ElfProgramHeader first = phdrs[0];
        if (first.Type != ElfConstants.ProgramNull || first.Flags != ElfConstants.PhdrSegmentFlags)
        {
            return $"phdr[0] must be PT_NULL with flags 0x{ElfConstants.PhdrSegmentFlags:X8}; it is type {first.Type}, flags 0x{first.Flags:X8}";
        }

        if (first.Offset != 0 || first.FileSize != (ulong)headerLength)
        {
            return $"phdr[0] must cover offset 0, 0x{headerLength:X} bytes; it covers offset 0x{first.Offset:X}, 0x{first.FileSize:X} bytes";
        }

        if (phdrs[1].Type != ElfConstants.ProgramNull)
        {
            return $"phdr[1] (the hash segment) must be PT_NULL; it is type {phdrs[1].Type}";
        }

        error = CheckLoads(phdrs);
        if (error is not null)
        {
            return error;
        }

        layout = new SignedElfLayout(header, phdrs, headerLength);
        return null;
    }

    /// <summary>The index of the first phdr in 1..n whose QCOM segment type is HASH (Linux's rule), or -1.</summary>
    public int FindHashSegment()
    {
        for (int i = 1; i < ProgramHeaders.Length; i++)
        {
            if (ProgramHeaders[i].QcomType == ElfConstants.QcomTypeHash)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the first hashed PT_LOAD, or -1.</summary>
    public int FindFirstLoad() => Array.FindIndex(ProgramHeaders, p => p.IsHashed);

    /// <summary>
    /// Checks the hashed PT_LOADs: <c>filesz ≤ memsz</c>, inside the 32-bit address space (so <c>memsz</c> also fits SEC_AUTH's u32 <c>first_seg_len</c>), no two overlapping in memory
    /// (quadratic in at most 100 entries).
    /// </summary>
    internal static string? CheckLoads(ReadOnlySpan<ElfProgramHeader> phdrs)
    {
        for (int i = 0; i < phdrs.Length; i++)
        {
            ElfProgramHeader p = phdrs[i];
            if (!p.IsHashed)
            {
                continue;
            }

            if (p.FileSize > p.MemorySize)
            {
                return $"phdr[{i}] has p_filesz 0x{p.FileSize:X} above p_memsz 0x{p.MemorySize:X}";
            }

            if (p.PhysicalAddress > ElfConstants.AddressSpaceEnd || p.MemorySize > uint.MaxValue || p.MemorySize > ElfConstants.AddressSpaceEnd - p.PhysicalAddress)
            {
                return $"phdr[{i}] (paddr 0x{p.PhysicalAddress:X}, memsz 0x{p.MemorySize:X}) runs past the 32-bit address space";
            }

            for (int j = 0; j < i; j++)
            {
                ElfProgramHeader q = phdrs[j];
                if (q.IsHashed && p.PhysicalAddress < q.PhysicalAddress + q.MemorySize && q.PhysicalAddress < p.PhysicalAddress + p.MemorySize)
                {
                    return $"phdr[{i}] overlaps phdr[{j}] in memory";
                }
            }
        }

        return null;
    }
}
