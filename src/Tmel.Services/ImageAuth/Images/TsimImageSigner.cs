using System.Security.Cryptography;

namespace Tmel.Services.ImageAuth;

/// <summary>Signs ELF executables into TSIM-MBN7 images (services.md §1.8).</summary>
/// <remarks>
/// <para>The output is a new ELF, laid out as follows:</para>
/// <code>
///  offset                       content
///  0                            ELF header (class, machine, e_type, e_entry, e_flags, OS ABI kept; no section headers)
///  e_ehsize                     phdr[0]  PT_NULL  flags 0x07000000  offset 0, filesz = ELF header + phdr table
///                               phdr[1]  PT_NULL  flags 0x02200000  the hash segment
///                               phdr[2..] the input's PT_LOADs with p_memsz ≠ 0, in input order, QCOM bits cleared
///  align_up(phdr end, 0x1000)   hash segment: header 40 ‖ common md 24 ‖ OEM md 224 ‖ hash table 48·e_phnum ‖ DER signature ‖ DER chain
///  after it                     each PT_LOAD's p_filesz bytes, at the first offset with p_offset ≡ p_vaddr (mod p_align); zeros between
/// </code>
/// <para>
/// The hash segment's <c>p_paddr = p_vaddr</c> = the segments' highest <c>p_paddr + p_memsz</c> rounded up to 4 KiB,
/// <c>p_filesz</c> its exact length, <c>p_memsz</c> that rounded up to 4 KiB, <c>p_align</c> 0x1000. Other program
/// headers (PT_PHDR, PT_INTERP, PT_DYNAMIC, PT_NOTE, PT_TLS, PT_GNU_*) and the section headers are dropped: their offsets
/// point into the old layout, a loader uses only PT_LOADs, and their bytes, where they matter, lie inside a PT_LOAD anyway.
/// </para>
/// <para>
/// The hash table has entry 0 over the final ELF header and phdr table, entry 1 zero, and entry <i>i</i> SHA-384 of
/// segment <i>i</i>'s <c>p_filesz</c> bytes (the empty-string digest for a PT_LOAD with no file bytes, as the verifier
/// hashes every PT_LOAD with <c>p_memsz ≠ 0</c>). The signature is ECDSA P-384 over SHA-384 of header ‖ common md ‖ OEM md ‖
/// hash table, in DER. Because the header holds the signature's size and is itself signed, the signer fixes the size at
/// 103 bytes (the most likely DER length) and draws signatures until one has it.
/// </para>
/// </remarks>
internal static class TsimImageSigner
{
    private const int SignatureSize = 103;
    private const int MaxSignatureAttempts = 64;

    /// <summary>Signs an ELF32 or ELF64 little-endian executable.</summary>
    /// <param name="elf">The input file, for example one gcc just built (ET_EXEC or ET_DYN).</param>
    /// <param name="identity">The signing identity: its chain goes into the image and its signer key signs.</param>
    /// <param name="options">The metadata values; SwId, HwId, OemId and ModelId must equal the signer certificate's OUs.</param>
    /// <returns>The signed file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="identity"/> is disposed.</exception>
    /// <exception cref="TsimImageException">
    /// The input is not an ELF, is big-endian, is not an executable, uses extended phdr numbering, has no PT_LOAD with
    /// memory, is already signed (a phdr of QCOM type HASH or PHDR), has more than 98 PT_LOADs, has a segment outside the
    /// file or the 32-bit address space, overlapping segments, a carve-out above <see cref="TsimImage.MaxLoadSize"/>, or
    /// an alignment that is not 0, 1 or a power of two up to 256 MiB; or an option is out of range or disagrees with the signer certificate.
    /// </exception>
    public static byte[] Sign(ReadOnlySpan<byte> elf, TsimSigningIdentity identity, TsimSignOptions options)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options, identity.Fields);
        (ElfHeader input, ElfProgramHeader[] loads) = ReadInput(elf);

        bool is64 = input.Is64;
        int headerSize = input.ClassHeaderSize;
        int phdrSize = input.ClassProgramHeaderSize;
        int count = loads.Length + 2;
        int headerLength = headerSize + (count * phdrSize);
        byte[] chain = identity.EncodeChain();
        int signedLength = HashSegmentHeader.Size + CommonMetadata.Size + OemMetadata.Size + (count * HashTable.EntrySize);
        int hashLength = signedLength + SignatureSize + chain.Length;

        // Layout: the hash segment on the first page boundary after the phdrs, then each segment congruent to its vaddr.
        ulong hashOffset = ElfConstants.AlignUp((ulong)headerLength, ElfConstants.PageSize);
        ulong cursor = hashOffset + (ulong)hashLength;
        var phdrs = new ElfProgramHeader[count];
        ulong loadEnd = 0;
        for (int i = 0; i < loads.Length; i++)
        {
            ElfProgramHeader p = loads[i];
            ulong align = Math.Max(p.Align, 1);
            ulong offset = cursor + ((p.VirtualAddress % align) + align - (cursor % align)) % align;
            phdrs[i + 2] = p with { Offset = offset, Flags = p.Flags & ~ElfConstants.QcomBitsMask };
            cursor = offset + p.FileSize;
            loadEnd = Math.Max(loadEnd, p.PhysicalAddress + p.MemorySize);
        }

        if (cursor > (ulong)Array.MaxLength)
        {
            TsimThrowHelper.ThrowInvalidImage("input ELF", $"the signed file would be 0x{cursor:X} bytes");
        }

        ulong hashAddress = ElfConstants.AlignUp(loadEnd, ElfConstants.PageSize);
        ulong hashMemory = ElfConstants.AlignUp((ulong)hashLength, ElfConstants.PageSize);
        if (hashAddress + hashMemory > ElfConstants.AddressSpaceEnd)
        {
            TsimThrowHelper.ThrowInvalidImage("input ELF", $"the segments end at 0x{loadEnd:X}, leaving no room below 4 GiB for the hash segment");
        }

        phdrs[0] = new ElfProgramHeader(ElfConstants.ProgramNull, ElfConstants.PhdrSegmentFlags, 0, 0, 0, (ulong)headerLength, 0, 0);
        phdrs[1] = new ElfProgramHeader(
            ElfConstants.ProgramNull, ElfConstants.HashSegmentFlags, hashOffset, hashAddress, hashAddress, (ulong)hashLength, hashMemory, ElfConstants.PageSize);

        var output = new byte[cursor];
        Span<byte> file = output;
        ElfHeader header = input with
        {
            ProgramHeaderOffset = (ulong)headerSize,
            SectionHeaderOffset = 0,
            HeaderSize = (ushort)headerSize,
            ProgramHeaderEntrySize = (ushort)phdrSize,
            ProgramHeaderCount = (ushort)count,
            SectionHeaderEntrySize = 0,
            SectionHeaderCount = 0,
            SectionNameIndex = 0,
        };
        header.Write(file);
        for (int i = 0; i < count; i++)
        {
            phdrs[i].Write(file.Slice(headerSize + (i * phdrSize), phdrSize), is64);
        }

        for (int i = 2; i < count; i++)
        {
            elf.Slice((int)loads[i - 2].Offset, (int)loads[i - 2].FileSize).CopyTo(file[(int)phdrs[i].Offset..]);
        }

        Span<byte> hashSegment = file.Slice((int)hashOffset, hashLength);
        HashSegmentHeader.ForTsim(count, SignatureSize, chain.Length).Write(hashSegment);
        new CommonMetadata(0, 0, options.SwId, 0, CommonMetadata.HashAlgorithmSha384, options.MeasurementRegisterTarget)
            .Write(hashSegment[HashSegmentHeader.Size..]);
        byte[] rootHash = identity.OemPkHash;
        var rootHashField = new byte[OemMetadata.RootCertHashSize];
        rootHash.CopyTo(rootHashField, 0);
        new OemMetadata
        {
            AntiRollbackVersion = options.AntiRollbackVersion,
            JtagId = (uint)options.HwId,
            OemId = options.OemId,
            OemProductId = options.ModelId,
            OemLifecycleState = options.OemLifecycleState,
            RootCertHashAlgorithm = CommonMetadata.HashAlgorithmSha384,
            RootCertHash = rootHashField,
            Flags = OemMetadata.TsimFlags,
        }.Write(hashSegment[(HashSegmentHeader.Size + CommonMetadata.Size)..]);

        Span<byte> table = hashSegment.Slice(signedLength - (count * HashTable.EntrySize), count * HashTable.EntrySize);
        SHA384.HashData(file[..headerLength], table);
        for (int i = 2; i < count; i++)
        {
            SHA384.HashData(file.Slice((int)phdrs[i].Offset, (int)phdrs[i].FileSize), table.Slice(i * HashTable.EntrySize, HashTable.EntrySize));
        }

        byte[] digest = SHA384.HashData(hashSegment[..signedLength]);
        SignDigest(identity, digest, hashSegment.Slice(signedLength, SignatureSize));
        chain.CopyTo(hashSegment[(signedLength + SignatureSize)..]);
        return output;
    }

    private static void SignDigest(TsimSigningIdentity identity, byte[] digest, Span<byte> destination)
    {
        using ECDsa key = identity.GetSignerKey();
        for (int attempt = 0; attempt < MaxSignatureAttempts; attempt++)
        {
            byte[] signature = key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            if (signature.Length == destination.Length)
            {
                signature.CopyTo(destination);
                return;
            }
        }

        throw new TsimImageException($"No {destination.Length}-byte DER signature came out of {MaxSignatureAttempts} attempts; is the signer key P-384?");
    }

    private static void ValidateOptions(TsimSignOptions options, SignerSubjectFields certificate)
    {
        if (options.AntiRollbackVersion > OemMetadata.MaxAntiRollbackVersion)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.AntiRollbackVersion), $"{options.AntiRollbackVersion} is above the maximum {OemMetadata.MaxAntiRollbackVersion}");
        }

        if (options.MeasurementRegisterTarget > CommonMetadata.MaxMeasurementRegisterTarget)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.MeasurementRegisterTarget), $"{options.MeasurementRegisterTarget} is not 0..{CommonMetadata.MaxMeasurementRegisterTarget}");
        }

        if (options.HwId > uint.MaxValue)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.HwId), $"0x{options.HwId:X} does not fit the OEM metadata's 32-bit jtag_id");
        }

        if (options.SwId != certificate.SwId || options.HwId != certificate.HwId || options.OemId != certificate.OemId || options.ModelId != certificate.ModelId)
        {
            TsimThrowHelper.ThrowInvalidOption(
                nameof(TsimSignOptions),
                $"SW_ID 0x{options.SwId:X}, HW_ID 0x{options.HwId:X}, OEM_ID 0x{options.OemId:X}, MODEL_ID 0x{options.ModelId:X} disagree with the signer certificate's "
                + $"0x{certificate.SwId:X}, 0x{certificate.HwId:X}, 0x{certificate.OemId:X}, 0x{certificate.ModelId:X}");
        }

        if (certificate.Debug != OemMetadata.DebugDisabled || certificate.HashAlgorithm != SignerSubjectFields.Sha384)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(TsimSigningIdentity), "the signer certificate must say DEBUG 2 (disabled) and SHA384 0002");
        }
    }

    private static (ElfHeader Header, ElfProgramHeader[] Loads) ReadInput(ReadOnlySpan<byte> elf)
    {
        const string What = "input ELF";
        string? error = ElfHeader.TryRead(elf, out ElfHeader header);
        if (error is not null)
        {
            TsimThrowHelper.ThrowInvalidImage(What, error);
        }

        if (header.Type is not (ElfConstants.TypeExecutable or ElfConstants.TypeSharedObject))
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"e_type {header.Type} is not an executable (ET_EXEC 2 or ET_DYN 3)");
        }

        if (header.Version != ElfConstants.VersionCurrent)
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"e_version is {header.Version}, not 1");
        }

        if (header.ProgramHeaderCount == 0)
        {
            TsimThrowHelper.ThrowInvalidImage(What, "it has no program headers, so no segments to sign");
        }

        if (header.ProgramHeaderCount == ElfConstants.ExtendedNumbering)
        {
            TsimThrowHelper.ThrowInvalidImage(What, "extended program header numbering (PN_XNUM) is not supported");
        }

        if (header.ProgramHeaderEntrySize != header.ClassProgramHeaderSize)
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"e_phentsize is {header.ProgramHeaderEntrySize}, not {header.ClassProgramHeaderSize}");
        }

        ulong tableSize = (ulong)header.ProgramHeaderCount * header.ProgramHeaderEntrySize;
        if (header.ProgramHeaderOffset > (ulong)elf.Length || tableSize > (ulong)elf.Length - header.ProgramHeaderOffset)
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"the phdr table (offset 0x{header.ProgramHeaderOffset:X}, {header.ProgramHeaderCount} entries) runs past the end of the {elf.Length}-byte file");
        }

        ElfProgramHeader[] phdrs = ElfProgramHeader.ReadTable(elf.Slice((int)header.ProgramHeaderOffset, (int)tableSize), header.ProgramHeaderCount, header.Is64);
        var loads = new List<ElfProgramHeader>();
        for (int i = 0; i < phdrs.Length; i++)
        {
            ElfProgramHeader p = phdrs[i];
            if (p.QcomType is ElfConstants.QcomTypeHash or ElfConstants.QcomTypePhdr)
            {
                TsimThrowHelper.ThrowInvalidImage(What, $"it is already signed (phdr[{i}] has QCOM segment type {(p.QcomType == ElfConstants.QcomTypeHash ? "HASH" : "PHDR")})");
            }

            if (p.Type != ElfConstants.ProgramLoad || p.MemorySize == 0)
            {
                continue;
            }

            if (p.Offset > (ulong)elf.Length || p.FileSize > (ulong)elf.Length - p.Offset)
            {
                TsimThrowHelper.ThrowInvalidImage(What, $"phdr[{i}] (offset 0x{p.Offset:X}, 0x{p.FileSize:X} bytes) runs past the end of the {elf.Length}-byte file");
            }

            if (!ElfConstants.IsValidAlign(p.Align))
            {
                TsimThrowHelper.ThrowInvalidImage(What, $"phdr[{i}] has p_align 0x{p.Align:X}; 0, 1 or a power of two up to 0x{ElfConstants.MaxAlign:X} is accepted");
            }

            loads.Add(p);
        }

        if (loads.Count == 0)
        {
            TsimThrowHelper.ThrowInvalidImage(What, "it has no PT_LOAD segment with p_memsz > 0");
        }

        if (loads.Count + 2 > ElfConstants.MaxProgramHeaders)
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"it has {loads.Count} PT_LOAD segments; with the two extra phdrs at most {ElfConstants.MaxProgramHeaders} fit");
        }

        // Every PT_LOAD with memory is a hashed one here (HASH-typed phdrs were refused), so the indexes in the messages are the input's.
        error = SignedElfLayout.CheckLoads(phdrs);
        if (error is not null)
        {
            TsimThrowHelper.ThrowInvalidImage(What, error);
        }

        ulong low = loads.Min(p => p.PhysicalAddress), high = loads.Max(p => p.PhysicalAddress + p.MemorySize);
        ulong carveOut = ElfConstants.AlignUp(high, ElfConstants.PageSize) - ElfConstants.AlignDown(low, ElfConstants.PageSize);
        if (carveOut > TsimImage.MaxLoadSize)
        {
            TsimThrowHelper.ThrowInvalidImage(What, $"its segments span a 0x{carveOut:X}-byte carve-out; at most 0x{TsimImage.MaxLoadSize:X} is allowed");
        }

        return (header, [.. loads]);
    }
}
