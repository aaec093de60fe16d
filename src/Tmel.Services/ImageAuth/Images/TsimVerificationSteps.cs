using Tmel.Services.Tmelcom;

namespace Tmel.Services.ImageAuth;

/// <summary>The steps of services.md §1.8's SEC_AUTH verification order: their names, statuses and extended errors.</summary>
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

    public static TsimVerificationResult Fail(TmelStatus status, uint extendedError, string step, string detail) =>
        new(status, extendedError, 0, 0, 0, null) { Step = step, Detail = detail };
}
