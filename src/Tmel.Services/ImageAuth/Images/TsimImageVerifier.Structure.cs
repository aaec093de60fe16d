using Tmel.Services.Tmelcom;
using static Tmel.Services.ImageAuth.TsimVerificationSteps;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// Steps 1b..1f and 2b..2e: the structural rules a layout the signer writes always meets, checked before and regardless of
/// the signature (a secure-boot ROM refuses a malformed ELF before it trusts any of it). docs/image-format.md has the rules.
/// </summary>
internal static partial class TsimImageVerifier
{
    /// <summary>Steps 1b..1f: e_type and e_version, phdr types, alignment, PT_LOAD file ranges, the other phdrs' file ranges.</summary>
    /// <param name="layout">The layout step 1 read.</param>
    /// <param name="fileLength">The whole file's length when the caller has it; SEC_AUTH has only the metadata, and bounds ranges by 4 GiB.</param>
    private static TsimVerificationResult? CheckElfStructure(SignedElfLayout layout, ulong? fileLength)
    {
        ElfHeader header = layout.Header;
        if (header.Type is not (ElfConstants.TypeExecutable or ElfConstants.TypeSharedObject))
        {
            return Fail(TmelStatus.BadParameter, ElfTypeError, ElfType, $"e_type is {header.Type}; a signed image is ET_EXEC (2) or ET_DYN (3)");
        }

        if (header.Version != ElfConstants.VersionCurrent)
        {
            return Fail(TmelStatus.BadParameter, ElfTypeError, ElfType, $"e_version is {header.Version}, not 1 (EV_CURRENT)");
        }

        ReadOnlySpan<ElfProgramHeader> phdrs = layout.ProgramHeaders;
        for (int i = 2; i < phdrs.Length; i++)
        {
            if (phdrs[i].Type is not (ElfConstants.ProgramNull or ElfConstants.ProgramLoad or ElfConstants.ProgramNote))
            {
                return Fail(TmelStatus.BadParameter, ProgramHeaderTypeError, ProgramHeaderType, $"phdr[{i}] is type 0x{phdrs[i].Type:X}; only PT_NULL, PT_LOAD and PT_NOTE are accepted");
            }
        }

        for (int i = 0; i < phdrs.Length; i++)
        {
            ElfProgramHeader p = phdrs[i];
            if (!ElfConstants.IsValidAlign(p.Align))
            {
                return Fail(TmelStatus.BadParameter, AlignmentError, Alignment, $"phdr[{i}] has p_align 0x{p.Align:X}; 0, 1 or a power of two up to 0x{ElfConstants.MaxAlign:X} is accepted");
            }

            if (p.Align > 1 && p.Offset % p.Align != p.VirtualAddress % p.Align)
            {
                return Fail(TmelStatus.BadParameter, AlignmentError, Alignment, $"phdr[{i}]'s p_offset 0x{p.Offset:X} and p_vaddr 0x{p.VirtualAddress:X} differ modulo p_align 0x{p.Align:X}");
            }
        }

        ulong fileEnd = fileLength ?? ElfConstants.MaxFileEnd;
        string fileEndText = fileLength is null ? "the 4 GiB a file offset may reach" : $"the end of the 0x{fileLength:X}-byte file";
        ulong usedEnd = (ulong)layout.HeaderLength;
        for (int i = 0; i < phdrs.Length; i++)
        {
            ElfProgramHeader p = phdrs[i];
            if (p.Type != ElfConstants.ProgramLoad)
            {
                continue;
            }

            if (p.FileSize > p.MemorySize)
            {
                return Fail(TmelStatus.BadParameter, LoadFileRangeError, LoadFileRange, $"phdr[{i}] has p_filesz 0x{p.FileSize:X} above p_memsz 0x{p.MemorySize:X}");
            }

            if (!FitsBelow(p.Offset, p.FileSize, fileEnd))
            {
                return Fail(TmelStatus.BadParameter, LoadFileRangeError, LoadFileRange, $"phdr[{i}] (offset 0x{p.Offset:X}, 0x{p.FileSize:X} bytes) runs past {fileEndText}");
            }

            usedEnd = Math.Max(usedEnd, p.Offset + p.FileSize);
        }

        ElfProgramHeader hash = phdrs[1];
        if (!FitsBelow(hash.Offset, hash.FileSize, fileEnd))
        {
            return Fail(TmelStatus.BadParameter, FileRangeError, FileRange, $"the hash segment (phdr[1], offset 0x{hash.Offset:X}, 0x{hash.FileSize:X} bytes) runs past {fileEndText}");
        }

        usedEnd = Math.Max(usedEnd, hash.Offset + hash.FileSize);
        for (int i = 2; i < phdrs.Length; i++)
        {
            ElfProgramHeader p = phdrs[i];
            if (p.Type != ElfConstants.ProgramLoad && !FitsBelow(p.Offset, p.FileSize, usedEnd))
            {
                return Fail(
                    TmelStatus.BadParameter,
                    FileRangeError,
                    FileRange,
                    $"phdr[{i}] (type {p.Type}, offset 0x{p.Offset:X}, 0x{p.FileSize:X} bytes) runs past the 0x{usedEnd:X} bytes the headers, the hash segment and the PT_LOADs occupy");
            }
        }

        return null;
    }

    /// <summary>Steps 2b..2e: exactly one hash segment, no other QCOM bits, the hash segment's memory size, reserved metadata zero.</summary>
    private static TsimVerificationResult? CheckHashSegmentStructure(SignedElfLayout layout, in HashSegmentView segment)
    {
        ReadOnlySpan<ElfProgramHeader> phdrs = layout.ProgramHeaders;
        for (int i = 2; i < phdrs.Length; i++)
        {
            if (phdrs[i].QcomType == ElfConstants.QcomTypeHash)
            {
                return Fail(TmelStatus.BadMessage, SecondHashSegmentError, SecondHashSegment, $"phdr[{i}] (flags 0x{phdrs[i].Flags:X8}) is a second QCOM HASH segment; an image has exactly one, phdr[1]");
            }
        }

        for (int i = 2; i < phdrs.Length; i++)
        {
            uint qcom = phdrs[i].Flags & ElfConstants.QcomBitsMask;
            if (qcom != 0)
            {
                return Fail(TmelStatus.BadMessage, QcomFlagsError, QcomFlags, $"phdr[{i}] has QCOM bits 0x{qcom:X8} in p_flags; only phdr[0] and phdr[1] carry QCOM bits");
            }
        }

        ElfProgramHeader hash = phdrs[1];
        if (hash.MemorySize < hash.FileSize)
        {
            return Fail(TmelStatus.BadMessage, HashSegmentMemoryError, HashSegmentMemory, $"the hash segment's p_memsz 0x{hash.MemorySize:X} is below its p_filesz 0x{hash.FileSize:X}");
        }

        if (!FitsBelow(hash.PhysicalAddress, hash.MemorySize, ElfConstants.AddressSpaceEnd))
        {
            return Fail(TmelStatus.BadMessage, HashSegmentMemoryError, HashSegmentMemory, $"the hash segment (paddr 0x{hash.PhysicalAddress:X}, memsz 0x{hash.MemorySize:X}) runs past the 32-bit address space");
        }

        string? field = segment.Header.ImageId != 0 ? "the header's image_id"
            : segment.Common.SecondarySoftwareId != 0 ? "the common metadata's secondary_software_id"
            : OemMetadata.FindNonZeroUnusedField(segment.Signed.Slice(HashSegmentHeader.Size + CommonMetadata.Size, OemMetadata.Size)) is { } name ? "the OEM metadata's " + name
            : null;
        return field is null ? null : Fail(TmelStatus.BadMessage, ReservedMetadataError, ReservedMetadata, $"{field} is not zero; TSIM-MBN7 reserves it");
    }

    /// <summary>Whether [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) ends at or below <paramref name="end"/>, without overflow.</summary>
    private static bool FitsBelow(ulong start, ulong length, ulong end) => start <= end && length <= end - start;
}
