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

    public static TsimVerificationResult Fail(TmelStatus status, uint extendedError, string step, string detail) =>
        new(status, extendedError, 0, 0, 0, null) { Step = step, Detail = detail };
}
