using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>
/// The structural steps (docs/image-format.md, "Structural rules"): layouts the signer never writes, signed again with the
/// real signer key so the signature is valid, are refused before and regardless of the signature, each with its own step
/// and extended error, the same way by <see cref="TsimImageVerifier.Verify"/> (SEC_AUTH's metadata) and
/// <see cref="TsimImageVerifier.VerifyFile"/> (<c>tmel image verify</c>).
/// </summary>
public class TsimImageVerifierStructureTests
{
    // The small firmware signs to 5 phdrs: [0] PHDR, [1] HASH, [2] code 0x80000000 (0x60), [3] rodata 0x80001000 (0x30),
    // [4] data 0x80002000 (0x20 of 0x200). All three PT_LOADs have p_align 0x1000.
    private const int Code = 2, Rodata = 3, Data = 4;

    private static readonly Lazy<SignedImage> s_elf32 = new(() => SignedImage.Create(is64: false));
    private static readonly Lazy<SignedImage> s_elf64 = new(() => SignedImage.Create(is64: true));

    public static TheoryData<string> Layouts() => [.. s_layouts.Keys];

    private static readonly Dictionary<string, (bool Is64, Action<HostileLayout> Edit, TmelStatus Status, uint Error, string Step)> s_layouts = new()
    {
        // 1b: e_type and e_version.
        ["e_type ET_REL"] = (false, h => h.WriteElfType(1), TmelStatus.BadParameter, 0x0101, "ELF type"),
        ["e_type ET_CORE"] = (true, h => h.WriteElfType(4), TmelStatus.BadParameter, 0x0101, "ELF type"),
        ["e_type ET_NONE"] = (false, h => h.WriteElfType(0), TmelStatus.BadParameter, 0x0101, "ELF type"),
        ["e_version 0"] = (false, h => h.WriteElfVersion(0), TmelStatus.BadParameter, 0x0101, "ELF type"),

        // 1c: phdr types.
        ["a PT_DYNAMIC phdr"] = (false, h => h.WritePhdr(Data, PhdrField.Type, 2), TmelStatus.BadParameter, 0x0102, "program header type"),
        ["a PT_GNU_STACK phdr"] = (true, h => h.WritePhdr(Data, PhdrField.Type, 0x6474_E551), TmelStatus.BadParameter, 0x0102, "program header type"),

        // 1d: alignment.
        ["p_align 0x3000, not a power of two"] = (false, h => h.WritePhdr(Code, PhdrField.Align, 0x3000), TmelStatus.BadParameter, 0x0103, "segment alignment"),
        ["p_align 512 MiB"] = (false, h => h.WritePhdr(Rodata, PhdrField.Align, 0x2000_0000), TmelStatus.BadParameter, 0x0103, "segment alignment"),
        ["p_align 2^63"] = (true, h => h.WritePhdr(Data, PhdrField.Align, 1UL << 63), TmelStatus.BadParameter, 0x0103, "segment alignment"),
        ["hash segment p_align 3"] = (false, h => h.WritePhdr(1, PhdrField.Align, 3), TmelStatus.BadParameter, 0x0103, "segment alignment"),
        ["p_offset not congruent to p_vaddr"] = (false, h => h.WritePhdr(Data, PhdrField.Vaddr, h.ReadPhdr(Data, PhdrField.Vaddr) + 0x10), TmelStatus.BadParameter, 0x0103, "segment alignment"),

        // 1e: PT_LOAD file ranges.
        ["PT_LOAD filesz 0xFFFFFFFFFFFF"] = (true, h => { h.WritePhdr(Data, PhdrField.FileSize, 0xFFFF_FFFF_FFFF); h.WritePhdr(Data, PhdrField.MemorySize, 0); }, TmelStatus.BadParameter, 0x0104, "PT_LOAD file range"),
        ["PT_LOAD offset 2^40"] = (true, h => h.WritePhdr(Rodata, PhdrField.Offset, 1UL << 40), TmelStatus.BadParameter, 0x0104, "PT_LOAD file range"),
        ["empty PT_LOAD at offset 2^40"] = (true, h => { h.WritePhdr(Data, PhdrField.Offset, 1UL << 40); h.WritePhdr(Data, PhdrField.FileSize, 0); h.WritePhdr(Data, PhdrField.MemorySize, 0); }, TmelStatus.BadParameter, 0x0104, "PT_LOAD file range"),
        ["PT_LOAD offset + filesz overflowing 64 bits"] = (true, h => { h.WritePhdr(Data, PhdrField.Offset, 0xFFFF_FFFF_FFFF_F000); h.WritePhdr(Data, PhdrField.FileSize, 0x1000); h.WritePhdr(Data, PhdrField.MemorySize, 0x1000); }, TmelStatus.BadParameter, 0x0104, "PT_LOAD file range"),

        // 1f: the other phdrs' file ranges.
        ["PT_NOTE far past the end of the file"] = (false, h => { h.WritePhdr(Data, PhdrField.Type, 4); h.WritePhdr(Data, PhdrField.Offset, 0x0100_0000); }, TmelStatus.BadParameter, 0x0105, "program header file range"),
        ["PT_NOTE at offset 2^40"] = (true, h => { h.WritePhdr(Data, PhdrField.Type, 4); h.WritePhdr(Data, PhdrField.Offset, 1UL << 40); }, TmelStatus.BadParameter, 0x0105, "program header file range"),
        ["PT_NULL with filesz 2^40"] = (true, h => { h.WritePhdr(Data, PhdrField.Type, 0); h.WritePhdr(Data, PhdrField.FileSize, 1UL << 40); }, TmelStatus.BadParameter, 0x0105, "program header file range"),

        // 2b: exactly one hash segment.
        ["a second phdr (PT_NULL) with the hash flags"] = (false, h => { h.WritePhdr(Rodata, PhdrField.Type, 0); h.WritePhdr(Rodata, PhdrField.Flags, 0x0220_0000); }, TmelStatus.BadMessage, 0x0201, "second hash segment"),
        ["a PT_LOAD with the hash flags"] = (true, h => h.WritePhdr(Rodata, PhdrField.Flags, 0x0220_0000), TmelStatus.BadMessage, 0x0201, "second hash segment"),

        // 2c: QCOM bits only on phdr[0] and phdr[1].
        ["PT_LOAD with QCOM access type RO"] = (false, h => h.WritePhdr(Code, PhdrField.Flags, 0x0020_0005), TmelStatus.BadMessage, 0x0202, "QCOM segment flags"),
        ["PT_LOAD with QCOM segment type PHDR"] = (true, h => h.WritePhdr(Code, PhdrField.Flags, 0x0700_0005), TmelStatus.BadMessage, 0x0202, "QCOM segment flags"),

        // 2d: the hash segment's memory.
        ["hash segment memsz 0"] = (false, h => h.WritePhdr(1, PhdrField.MemorySize, 0), TmelStatus.BadMessage, 0x0203, "hash segment memory size"),
        ["hash segment memsz below filesz"] = (true, h => h.WritePhdr(1, PhdrField.MemorySize, (ulong)h.HashLength - 1), TmelStatus.BadMessage, 0x0203, "hash segment memory size"),
        ["hash segment past 4 GiB in memory"] = (false, h => h.WritePhdr(1, PhdrField.Paddr, 0xFFFF_F800), TmelStatus.BadMessage, 0x0203, "hash segment memory size"),

        // 2e: reserved metadata bytes.
        ["header image_id"] = (false, h => h.WriteHashWord(0, 1), TmelStatus.BadMessage, 0x0204, "reserved metadata"),
        ["common secondary_software_id"] = (true, h => h.WriteHashWord(40 + 12, 0x0D), TmelStatus.BadMessage, 0x0204, "reserved metadata"),
        ["OEM soc_hw_versions byte"] = (false, h => h.WriteHashByte(HostileLayout.OemMetadataOffset + 16 + 47, 1), TmelStatus.BadMessage, 0x0204, "reserved metadata"),
        ["OEM soc_feature_id"] = (true, h => h.WriteHashWord(HostileLayout.OemMetadataOffset + 64, 0x10), TmelStatus.BadMessage, 0x0204, "reserved metadata"),
        ["OEM serial_numbers byte"] = (false, h => h.WriteHashByte(HostileLayout.OemMetadataOffset + 72 + 63, 0x80), TmelStatus.BadMessage, 0x0204, "reserved metadata"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_ResignedWithoutAnEdit_Succeeds(bool is64)
    {
        // The control: the helper's re-signing alone leaves a valid image, so the layouts below fail for their edit only.
        SignedImage image = is64 ? s_elf64.Value : s_elf32.Value;
        HostileLayout same = Resign(image, _ => { });

        Assert.NotEqual(image.File, same.File); // a new signature
        Assert.True(Verify(image, same).IsSuccess);
        Assert.True(VerifyFile(image, same).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Verify_HostileLayoutWithAValidSignature_FailsItsStructuralStep(string layout)
    {
        (bool is64, Action<HostileLayout> edit, TmelStatus status, uint error, string step) = s_layouts[layout];
        SignedImage image = is64 ? s_elf64.Value : s_elf32.Value;
        HostileLayout hostile = Resign(image, edit);

        AssertFailed(Verify(image, hostile), status, error, step);
        AssertFailed(VerifyFile(image, hostile), status, error, step);
    }

    [Fact]
    public void Verify_HostileLayoutAndABadSignature_FailsTheStructuralStepFirst()
    {
        // Before and regardless of the signature: the structural step wins over a broken signature.
        SignedImage image = s_elf32.Value;
        HostileLayout hostile = Resign(image, h => h.WriteElfType(1));
        byte[] metadata = hostile.Metadata;
        metadata[^(image.Reader.ChainLength + 10)] ^= 0x01; // a byte of the signature

        TsimVerificationResult result = TsimImageVerifier.Verify(metadata, TestIdentities.SwId, image.Fuses, image.Memory, TestIdentities.Now);

        AssertFailed(result, TmelStatus.BadParameter, 0x0101, "ELF type");
    }

    [Fact]
    public void VerifyFile_PtLoadPastTheEndOfTheFile_FailsTheLoadFileRangeStep()
    {
        // SEC_AUTH sees no file and bounds ranges by 4 GiB; the offline verifier has the file and bounds them by its length.
        SignedImage image = s_elf32.Value;
        HostileLayout hostile = Resign(image, h => h.WritePhdr(Data, PhdrField.Offset, ((ulong)h.File.Length + 0xFFF) & ~0xFFFUL)); // congruent to p_vaddr

        TsimVerificationResult result = VerifyFile(image, hostile);

        AssertFailed(result, TmelStatus.BadParameter, 0x0104, "PT_LOAD file range");
        Assert.Contains("-byte file", result.Detail, StringComparison.Ordinal);
    }

    private static HostileLayout Resign(SignedImage image, Action<HostileLayout> edit)
    {
        using ECDsa key = image.Identity.Signer.GetECDsaPrivateKey()!;
        return HostileLayout.Create(image.File, key, edit);
    }

    private static TsimVerificationResult Verify(SignedImage image, HostileLayout hostile) =>
        TsimImageVerifier.Verify(hostile.Metadata, TestIdentities.SwId, image.Fuses, image.Memory, TestIdentities.Now);

    private static TsimVerificationResult VerifyFile(SignedImage image, HostileLayout hostile) =>
        TsimImageVerifier.VerifyFile(hostile.File, TestIdentities.SwId, image.Fuses, TestIdentities.Now);

    private static void AssertFailed(TsimVerificationResult result, TmelStatus status, uint extendedError, string step)
    {
        Assert.False(result.IsSuccess, "verified");
        Assert.Equal((status, extendedError, step), (result.Status, result.ExtendedError, result.Step));
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Null(result.Measurement);
    }
}
