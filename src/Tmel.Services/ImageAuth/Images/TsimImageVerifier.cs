using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.Tmelcom;
using static Tmel.Services.ImageAuth.TsimVerificationSteps;

namespace Tmel.Services.ImageAuth;

/// <summary>The simulated TME-L's SEC_AUTH image verifier for TSIM-MBN7 (services.md §1.8).</summary>
/// <remarks>
/// <para>
/// The steps run in the sheet's order; the first failure is returned with its status and extended error. The structural
/// steps (1b..2e, our additions) run before and regardless of the signature:
/// </para>
/// <code>
///  step  check                                                                          status / extended_error
///  1     ELF identification and sizes, phdr table inside the metadata, phdr[0], phdr[1],  BadParameter / 0x01
///        hashed PT_LOADs (filesz ≤ memsz, below 4 GiB, no overlap)
///  1b    e_type ET_EXEC or ET_DYN, e_version 1                                          BadParameter / 0x0101
///  1c    phdr[2..] PT_NULL, PT_LOAD or PT_NOTE                                          BadParameter / 0x0102
///  1d    every p_align 0, 1 or a power of two ≤ 256 MiB; p_offset ≡ p_vaddr (mod it)     BadParameter / 0x0103
///  1e    every PT_LOAD: filesz ≤ memsz, offset + filesz within the file (4 GiB here)     BadParameter / 0x0104
///  1f    the hash segment within the file; PT_NULL/PT_NOTE within the bytes the          BadParameter / 0x0105
///        headers, the hash segment and the PT_LOADs occupy
///  2     hash segment found by flags (must be phdr[1], flags 0x02200000), p_filesz =      BadMessage / 0x02
///        the rest of the metadata, header v7, md sizes 24/0/224, no QTI signature,
///        hash_table_size = 48·e_phnum, 1 ≤ oem_sig_size ≤ 104, parts ≤ p_filesz,
///        common md 0.0 with hash algorithm 3 and target ≤ 6, OEM md major 2
///  2b    no phdr but phdr[1] of QCOM type HASH (exactly one hash segment)               BadMessage / 0x0201
///  2c    no QCOM bits (20..27) in phdr[2..]                                             BadMessage / 0x0202
///  2d    hash segment p_memsz ≥ p_filesz (so > 0), paddr + memsz below 4 GiB             BadMessage / 0x0203
///  2e    reserved zero: image_id, secondary_software_id, soc_hw_versions,               BadMessage / 0x0204
///        soc_feature_id, serial_numbers
///  3     common.software_id == sw_id                                                    Generic / 0x03
///  4     chain split by DER lengths (2 or 3, nothing after), root self-issued CA          Generic / 0x04
///        keyCertSign, CA keyCertSign, leaf not CA digitalSignature, all valid at now,
///        X509Chain leaf → (CA) → root with the root as the only anchor, leaf OUs == md
///  5     SHA-384(root DER) == OEM_PK_HASH                                               Generic / 0x05
///  6     ECDSA P-384 DER signature over header ‖ common md ‖ OEM md ‖ hash table           Generic / 0x06
///  7     hash entry 0 == SHA-384(ELF header ‖ phdrs as received)                        Generic / 0x07
///  8     bound to JTAG id, OEM id, product id, root hash (and nothing else), values ==    Generic / 0x08
///        fuses, root_cert_index 0
///  8b    debug disabled or no-op; anti_rollback_version ≤ 127 and ≥ the fused minimum    Generic / 0x09
///  9     each hashed PT_LOAD i: SHA-384 of its p_filesz bytes at p_paddr == entry i;      Generic / 0x0A00 | i
///        bytes the memory cannot supply; no hashed PT_LOAD at all                        BadAddress / 0x0A00 | i; Generic / 0x0A00
///  10    success: measurement, first PT_LOAD's paddr/memsz, e_entry truncated to u32     Success / 0
/// </code>
/// <para>
/// The metadata is untrusted: every offset and size is bounds-checked in 64 bits, nothing is allocated beyond the
/// metadata's own length (plus one 64 KiB pooled chunk for segment hashing), and no input makes it throw. Stateless and
/// thread-safe.
/// </para>
/// </remarks>
internal static partial class TsimImageVerifier
{
    private const int SignedPrefixSize = HashSegmentHeader.Size + CommonMetadata.Size + OemMetadata.Size;

    /// <summary>Verifies an image from its metadata and its loaded segments.</summary>
    /// <param name="metadata">The <c>elf_buf</c> bytes as received: ELF header and phdrs, then the hash segment, exactly (see <see cref="TsimImage.Metadata"/>).</param>
    /// <param name="swId">SEC_AUTH's <c>sw_id</c>.</param>
    /// <param name="fuses">The device's fuses.</param>
    /// <param name="loaded">The loaded image, read by physical address.</param>
    /// <param name="now">The simulated time the certificates must be valid at.</param>
    /// <returns>The first failed step's status and extended error, or success with the SEC_AUTH response values and the measurement.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fuses"/> or <paramref name="loaded"/> is <see langword="null"/>.</exception>
    /// <remarks>An exception thrown by <paramref name="loaded"/> itself propagates; the verifier throws none of its own for any metadata.</remarks>
    public static TsimVerificationResult Verify(ReadOnlySpan<byte> metadata, uint swId, TsimFuses fuses, ITsimLoadedMemory loaded, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fuses);
        ArgumentNullException.ThrowIfNull(loaded);

        // 1. ELF and program headers, then their structure (1b..1f).
        string? error = SignedElfLayout.TryRead(metadata, out SignedElfLayout? layout);
        if (error is not null)
        {
            return Fail(TmelStatus.BadParameter, ElfError, Elf, error);
        }

        TsimVerificationResult? failed = CheckElfStructure(layout!, fileLength: null);
        if (failed is not null)
        {
            return failed;
        }

        // 2. Hash segment, then its structure (2b..2e).
        error = TryReadHashSegment(metadata, layout!, out HashSegmentView segment);
        if (error is not null)
        {
            return Fail(TmelStatus.BadMessage, HashSegmentError, HashSegment, error);
        }

        failed = CheckHashSegmentStructure(layout!, segment);
        if (failed is not null)
        {
            return failed;
        }

        // 3. Software id.
        if (segment.Common.SoftwareId != swId)
        {
            return Fail(TmelStatus.Generic, SoftwareIdError, SoftwareId, $"the image is for sw_id 0x{segment.Common.SoftwareId:X}; SEC_AUTH asked for 0x{swId:X}");
        }

        // 4. Certificate chain.
        error = TsimCertificateChain.TrySplit(segment.Chain, out TsimCertificateChain? chain);
        if (error is not null)
        {
            return Fail(TmelStatus.Generic, ChainError, Chain, error);
        }

        using (chain)
        {
            error = chain!.Validate(now) ?? CheckSubjectFields(chain.Leaf, segment);
            if (error is not null)
            {
                return Fail(TmelStatus.Generic, ChainError, Chain, error);
            }

            // 5. Root of trust.
            Span<byte> rootHash = stackalloc byte[HashTable.EntrySize];
            SHA384.HashData(chain.Root.RawDataMemory.Span, rootHash);
            if (!CryptographicOperations.FixedTimeEquals(rootHash, fuses.OemPkHash ?? []))
            {
                return Fail(TmelStatus.Generic, RootOfTrustError, RootOfTrust, RootOfTrustReason);
            }

            // 6. Signature.
            byte[] digest = SHA384.HashData(segment.Signed);
            error = VerifySignature(chain.Leaf, digest, segment.Signature);
            if (error is not null)
            {
                return Fail(TmelStatus.Generic, SignatureError, Signature, error);
            }

            // 7. ELF header hash.
            Span<byte> headerHash = stackalloc byte[HashTable.EntrySize];
            SHA384.HashData(metadata[..layout!.HeaderLength], headerHash);
            if (!CryptographicOperations.FixedTimeEquals(headerHash, segment.HashTable[..HashTable.EntrySize]))
            {
                return Fail(TmelStatus.Generic, ElfHeaderHashError, ElfHeaderHash, ElfHeaderHashReason);
            }

            // 8. Bindings, then debug and anti-rollback.
            error = CheckBindings(segment.Oem, fuses);
            if (error is not null)
            {
                return Fail(TmelStatus.Generic, BindingError, Binding, error);
            }

            error = CheckDebugAndRollback(segment.Oem, swId, fuses);
            if (error is not null)
            {
                return Fail(TmelStatus.Generic, DebugOrRollbackError, DebugOrRollback, error);
            }

            // 9. Segments.
            failed = VerifySegments(layout, segment.HashTable, loaded);
            if (failed is not null)
            {
                return failed;
            }

            // 10. Success.
            ElfProgramHeader first = layout.ProgramHeaders[layout.FindFirstLoad()];
            var measurement = new TsimMeasurement(
                swId,
                digest,
                SHA384.HashData(chain.Leaf.PublicKey.ExportSubjectPublicKeyInfo()),
                segment.Common.MeasurementRegisterTarget,
                segment.Oem.AntiRollbackVersion);
            return new TsimVerificationResult(TmelStatus.Success, 0, (uint)first.PhysicalAddress, (uint)first.MemorySize, (uint)layout.Header.Entry, measurement);
        }
    }

    /// <summary>Verifies a whole signed file offline: loads it as <see cref="TsimImage"/> does and verifies its metadata and segments.</summary>
    /// <param name="signedElf">The signed file.</param>
    /// <param name="swId">The software id to authenticate as.</param>
    /// <param name="fuses">The device's fuses.</param>
    /// <param name="now">The time the certificates must be valid at.</param>
    /// <returns>
    /// As <see cref="Verify"/>, with steps 1b..1f bounding file ranges by the file's length rather than 4 GiB. A file the
    /// loader cannot lay out otherwise (step 1's checks, no hash segment, a carve-out above <see cref="TsimImage.MaxLoadSize"/>)
    /// fails step 1, BadParameter / 0x01.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="fuses"/> is <see langword="null"/>.</exception>
    /// <remarks>Copies the file once, to lay it out; <see cref="VerifyFile(ReadOnlyMemory{byte}, uint, TsimFuses, DateTimeOffset)"/> does not.</remarks>
    public static TsimVerificationResult VerifyFile(ReadOnlySpan<byte> signedElf, uint swId, TsimFuses fuses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fuses);
        return VerifyFile(signedElf.ToArray().AsMemory(), swId, fuses, now);
    }

    /// <summary>Verifies a whole signed file offline without copying it: as <see cref="VerifyFile(ReadOnlySpan{byte}, uint, TsimFuses, DateTimeOffset)"/>.</summary>
    /// <param name="signedElf">The signed file; read in place (do not change it during the call).</param>
    /// <param name="swId">The software id to authenticate as.</param>
    /// <param name="fuses">The device's fuses.</param>
    /// <param name="now">The time the certificates must be valid at.</param>
    /// <returns>As <see cref="VerifyFile(ReadOnlySpan{byte}, uint, TsimFuses, DateTimeOffset)"/>.</returns>
    /// <remarks>An array argument binds to this overload, so verifying a file read into memory allocates only the metadata copy.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="fuses"/> is <see langword="null"/>.</exception>
    [OverloadResolutionPriority(1)]
    public static TsimVerificationResult VerifyFile(ReadOnlyMemory<byte> signedElf, uint swId, TsimFuses fuses, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fuses);

        // Step 1 and its structure against the real file length first, so a range past the end of the file gets its own code.
        string? error = SignedElfLayout.TryRead(signedElf.Span, out SignedElfLayout? layout);
        TsimVerificationResult? failed = error is not null ? Fail(TmelStatus.BadParameter, ElfError, Elf, error) : CheckElfStructure(layout!, (ulong)signedElf.Length);
        if (failed is not null)
        {
            return failed;
        }

        error = TsimImage.TryParse(signedElf, readSoftwareId: false, out TsimImage? image);
        return error is not null
            ? Fail(TmelStatus.BadParameter, ElfError, Elf, error)
            : Verify(image!.Metadata.Span, swId, fuses, image.CreateLoadedMemory(), now);
    }

    private static string? CheckSubjectFields(X509Certificate2 leaf, in HashSegmentView segment)
    {
        string? error = SignerSubjectFields.TryRead(leaf.SubjectName, out SignerSubjectFields? fields);
        if (error is not null)
        {
            return "the attestation certificate's subject: " + error;
        }

        return fields!.SwId != segment.Common.SoftwareId ? $"OU 01 SW_ID 0x{fields.SwId:X} differs from the metadata's software_id 0x{segment.Common.SoftwareId:X}"
            : fields.HwId != segment.Oem.JtagId ? $"OU 02 HW_ID 0x{fields.HwId:X} differs from the metadata's jtag_id 0x{segment.Oem.JtagId:X}"
            : fields.Debug != OemMetadata.Field(segment.Oem.Flags, OemMetadata.FlagDebug) ? $"OU 03 DEBUG {fields.Debug} differs from the metadata's debug field {OemMetadata.Field(segment.Oem.Flags, OemMetadata.FlagDebug)}"
            : fields.OemId != segment.Oem.OemId ? $"OU 04 OEM_ID 0x{fields.OemId:X} differs from the metadata's oem_id 0x{segment.Oem.OemId:X}"
            : fields.ModelId != segment.Oem.OemProductId ? $"OU 06 MODEL_ID 0x{fields.ModelId:X} differs from the metadata's oem_product_id 0x{segment.Oem.OemProductId:X}"
            : fields.HashAlgorithm != SignerSubjectFields.Sha384 ? $"OU 07 names hash {fields.HashAlgorithm:X4}, not 0002 (SHA384)"
            : null;
    }

    private static string? VerifySignature(X509Certificate2 leaf, byte[] digest, ReadOnlySpan<byte> signature)
    {
        try
        {
            using ECDsa? key = leaf.GetECDsaPublicKey();
            if (key is null || key.KeySize != 384)
            {
                return "the attestation certificate's key is not an ECDSA P-384 key";
            }

            return key.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence) ? null : "the ECDSA signature does not verify with the attestation key";
        }
        catch (CryptographicException)
        {
            return "the attestation certificate's key cannot be used";
        }
    }
}
