using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

/// <summary>The steps of services.md §1.8's SEC_AUTH verification order: their names, statuses and extended errors.</summary>
/// <remarks>
/// The sheet's steps have codes 0x01..0x09 and 0x0A00 | i. The structural checks it leaves out (docs/image-format.md,
/// "Structural rules") refine step 1 and step 2: 0x01nn are ELF checks (BAD_PARAMETER), 0x02nn hash-segment checks
/// (BAD_MESSAGE); the high byte is the step, the low byte the check, as 0x0A00 | i carries the phdr index.
/// </remarks>
internal static class TsimVerificationSteps
{
    public const uint ElfError = 0x01;
    public const uint HashSegmentError = 0x02;
    public const uint SoftwareIdError = 0x03;
    public const uint ChainError = 0x04;
    public const uint RootOfTrustError = 0x05;
    public const uint SignatureError = 0x06;
    public const uint ElfHeaderHashError = 0x07;
    public const uint BindingError = 0x08;
    public const uint DebugOrRollbackError = 0x09;
    public const uint SegmentHashError = 0x0A00;

    public const uint ElfTypeError = 0x0101;
    public const uint ProgramHeaderTypeError = 0x0102;
    public const uint AlignmentError = 0x0103;
    public const uint LoadFileRangeError = 0x0104;
    public const uint FileRangeError = 0x0105;
    public const uint SecondHashSegmentError = 0x0201;
    public const uint QcomFlagsError = 0x0202;
    public const uint HashSegmentMemoryError = 0x0203;
    public const uint ReservedMetadataError = 0x0204;

    public const string Elf = "ELF and program headers";
    public const string HashSegment = "hash segment";
    public const string SoftwareId = "software id";
    public const string Chain = "certificate chain";
    public const string RootOfTrust = "root of trust";
    public const string Signature = "signature";
    public const string ElfHeaderHash = "ELF header hash";
    public const string Binding = "metadata binding";
    public const string DebugOrRollback = "debug and anti-rollback";
    public const string SegmentHash = "segment hash";

    public const string ElfType = "ELF type";
    public const string ProgramHeaderType = "program header type";
    public const string Alignment = "segment alignment";
    public const string LoadFileRange = "PT_LOAD file range";
    public const string FileRange = "program header file range";
    public const string SecondHashSegment = "second hash segment";
    public const string QcomFlags = "QCOM segment flags";
    public const string HashSegmentMemory = "hash segment memory size";
    public const string ReservedMetadata = "reserved metadata";

    /// <summary>The step of the SEC_AUTH request's own checks (the simulated service's extended errors 0x1001..0x10FF).</summary>
    public const string Request = "SEC_AUTH request";

    public const string RootOfTrustReason = "the chain's root certificate does not hash to OEM_PK_HASH";
    public const string ElfHeaderHashReason = "hash entry 0 does not match the ELF header and program headers";
    public const string NoHashedSegmentReason = "the image has no hashed PT_LOAD segment";

    /// <summary>
    /// The step and reason of a failed SEC_AUTH from the two words TME-L answers with (docs/image-auth.md, "What the caller
    /// sees"). The reason is the code's meaning; the verifier's own detail (which certificate, which address) stays inside TME-L.
    /// </summary>
    public static (string Step, string Reason) Describe(TmelStatus status, uint extendedError) => extendedError switch
    {
        0 => ("response", $"TME-L answered {status} without an extended error"),
        ElfError => (Elf, "the ELF header or program headers are malformed or unsupported"),
        HashSegmentError => (HashSegment, "the hash segment is missing or malformed"),
        SoftwareIdError => (SoftwareId, "the image's software_id is not the sw_id SEC_AUTH asked for"),
        ChainError => (Chain, "the certificate chain is malformed, not valid now, or does not match the metadata"),
        RootOfTrustError => (RootOfTrust, RootOfTrustReason),
        SignatureError => (Signature, "the signature over the hash segment does not verify with the signer certificate"),
        ElfHeaderHashError => (ElfHeaderHash, ElfHeaderHashReason),
        BindingError => (Binding, "the metadata's bindings (JTAG id, OEM id, product id, root hash) do not match the fuses"),
        DebugOrRollbackError => (DebugOrRollback, "debug is enabled, or the anti-rollback version is above 127 or below the fused minimum"),
        SegmentHashError => (SegmentHash, NoHashedSegmentReason),
        ElfTypeError => (ElfType, "e_type is not EXEC or DYN, or e_version is not 1"),
        ProgramHeaderTypeError => (ProgramHeaderType, "a program header other than the first two is not PT_NULL, PT_LOAD or PT_NOTE"),
        AlignmentError => (Alignment, "a p_align is not 0, 1 or a power of two up to 256 MiB, or p_offset and p_vaddr disagree modulo it"),
        LoadFileRangeError => (LoadFileRange, "a PT_LOAD has filesz above memsz, or its bytes run past the end of the file"),
        FileRangeError => (FileRange, "the hash segment or a PT_NOTE lies outside the file"),
        SecondHashSegmentError => (SecondHashSegment, "a program header other than phdr[1] is marked as a hash segment"),
        QcomFlagsError => (QcomFlags, "a program header past the hash segment carries QCOM segment flags"),
        HashSegmentMemoryError => (HashSegmentMemory, "the hash segment's memsz is below its filesz, or it ends past 4 GiB"),
        ReservedMetadataError => (ReservedMetadata, "a reserved metadata field is not zero"),
        _ when (extendedError & 0xFF00) == SegmentHashError => (SegmentHash, status == TmelStatus.BadAddress
            ? $"phdr[{extendedError & 0xFF}]'s bytes are not in the loaded memory"
            : $"phdr[{extendedError & 0xFF}]'s bytes do not match hash entry {extendedError & 0xFF}"),
        0x1001 => (Request, "elf_buf's length is 0 or above 1 MiB"),
        0x1002 => (Request, "elf_buf is not inside one shared-memory buffer"),
        0x1003 => (Request, "region_list is not 1..16 whole entries, or a region runs past 4 GiB"),
        0x1004 => (Request, "region_list is not inside one shared-memory buffer"),
        0x1005 => (Request, "a region is empty, or two regions overlap"),
        0x1006 => (Request, "a region is not inside one shared-memory buffer"),
        0x1007 => (Request, "relocate is neither 0 nor 1, or is 1 without a region list"),
        0x1008 => (Request, "the software id is already authenticated; tear it down first"),
        0x1009 => (Request, "the subsystem has as many images authenticated as it may; tear one down first"),
        0x10FF => (Request, "the verifier itself failed (a simulator bug)"),
        _ => ("unknown", $"extended error 0x{extendedError:X} is not one of TME-L's codes in docs/image-auth.md"),
    };

    public static TsimVerificationResult Fail(TmelStatus status, uint extendedError, string step, string detail) =>
        new(status, extendedError, 0, 0, 0, null) { Step = step, Detail = detail };
}
