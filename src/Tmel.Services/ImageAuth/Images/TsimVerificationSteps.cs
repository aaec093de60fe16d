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
        0x10FF => (Request, "the verifier itself failed (a simulator bug)"),
        _ => ("unknown", $"extended error 0x{extendedError:X} is not one of TME-L's codes in docs/image-auth.md"),
    };

    public static TsimVerificationResult Fail(TmelStatus status, uint extendedError, string step, string detail) =>
        new(status, extendedError, 0, 0, 0, null) { Step = step, Detail = detail };
}
