using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Sign → verify round trips, and the verification steps of services.md §1.8, each failing with its own status and extended error.</summary>
public class TsimImageVerifierTests
{
    // Metadata offsets of the ELF32 small firmware (5 phdrs): phdr i at 52 + 32·i.
    private const int Phnum32 = 44;
    private const int Phdr0 = 52, Phdr1 = 84, Phdr2 = 116, Phdr3 = 148, Phdr4 = 180;

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Verify_SignedImage_Succeeds(bool is64, bool threeLevels)
    {
        SignedImage image = SignedImage.Create(is64, threeLevels);

        TsimVerificationResult result = image.Verify();

        Assert.True(result.IsSuccess, result.Step + ": " + result.Detail);
        Assert.Equal(TmelStatus.Success, result.Status);
        Assert.Equal(0u, result.ExtendedError);
        Assert.Equal(TsimVerificationResult.VerifiedStep, result.Step);
        Assert.Equal(0x8000_0000u, result.FirstSegmentAddress);
        Assert.Equal(0x60u, result.FirstSegmentLength);
        Assert.Equal(0x8000_0010u, result.EntryAddress);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_Success_RecordsTheMeasurement(bool is64)
    {
        SignedImage image = SignedImage.Create(is64);
        SignedFileReader reader = image.Reader;

        TsimMeasurement measurement = image.Verify().Measurement!;

        Assert.Equal(TestIdentities.SwId, measurement.SwId);
        Assert.Equal(SHA384.HashData(reader.HashSegment[..reader.SignedLength]), measurement.Digest);
        Assert.Equal(SHA384.HashData(image.Identity.Signer.PublicKey.ExportSubjectPublicKeyInfo()), measurement.SignerId);
        Assert.Equal(3u, measurement.MeasurementRegisterTarget);
        Assert.Equal(4u, measurement.AntiRollbackVersion);
    }

    [Fact]
    public void Verify_Elf64EntryAbove4GiB_TruncatesEntryAddress()
    {
        byte[] elf = TestElfWriter.Build(true, [new TestSegment(0x1000, [1, 2, 3], 3)], entry: 0x0000_0001_2345_6789);
        TsimVerificationResult result = SignedImage.Create(elf: elf).Verify();
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(0x2345_6789u, result.EntryAddress);
    }

    [Fact]
    public void Verify_SegmentLargerThanAChunk_ReadsInFixedChunks()
    {
        byte[] elf = TestElfWriter.Build(false, [new TestSegment(0x1000_0000, TestElfWriter.Pattern(200_000, 5), 200_000)]);
        SignedImage image = SignedImage.Create(elf: elf);

        Assert.True(image.Verify().IsSuccess);
        Assert.Equal(64 * 1024, image.Memory.LargestRead);
        Assert.Equal(4, image.Memory.Reads); // 200000 bytes = 3 x 65536 + 3392
    }

    [Fact]
    public void VerifyFile_SignedFile_Succeeds()
    {
        SignedImage image = SignedImage.Create(is64: true);
        TsimVerificationResult result = TsimImageVerifier.VerifyFile(image.File, TestIdentities.SwId, image.Fuses, TestIdentities.Now);
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(image.Verify().Measurement!.Digest, result.Measurement!.Digest);
    }

    [Fact]
    public void VerifyFile_FileInAnArray_VerifiesInPlaceWithoutCopyingIt()
    {
        const int SegmentSize = 4 * 1024 * 1024;
        byte[] elf = TestElfWriter.Build(false, [new TestSegment(0x1000_0000, TestElfWriter.Pattern(SegmentSize, 9), SegmentSize)]);
        SignedImage image = SignedImage.Create(elf: elf);
        Assert.True(TsimImageVerifier.VerifyFile(image.File, TestIdentities.SwId, image.Fuses, TestIdentities.Now).IsSuccess); // warm

        long before = GC.GetAllocatedBytesForCurrentThread();
        TsimVerificationResult result = TsimImageVerifier.VerifyFile(image.File, TestIdentities.SwId, image.Fuses, TestIdentities.Now);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result.IsSuccess, result.Detail);
        Assert.True(allocated < SegmentSize / 8, $"{allocated} bytes allocated to verify a {image.File.Length}-byte file");
    }

    [Fact]
    public void VerifyFile_UnloadableFile_FailsStep1()
    {
        SignedImage image = SignedImage.Create();
        AssertFailed(TsimImageVerifier.VerifyFile("garbage"u8, TestIdentities.SwId, image.Fuses, TestIdentities.Now), TmelStatus.BadParameter, 0x01);
    }

    [Fact]
    public void VerifyFile_TruncatedFile_FailsThePtLoadFileRangeStep()
    {
        // Its PT_LOADs run past the end of the file: the structural step names that, before the loader would trip on it.
        SignedImage image = SignedImage.Create();
        AssertFailed(TsimImageVerifier.VerifyFile(image.File.AsSpan(0, 0x1100), TestIdentities.SwId, image.Fuses, TestIdentities.Now), TmelStatus.BadParameter, 0x0104, "PT_LOAD file range");
    }

    [Fact]
    public void VerifyFile_TamperedSegmentInFile_FailsThatSegment()
    {
        SignedImage image = SignedImage.Create();
        byte[] file = (byte[])image.File.Clone();
        file[(int)new SignedFileReader(file).Phdr(3).Offset + 5] ^= 1;
        AssertFailed(TsimImageVerifier.VerifyFile(file, TestIdentities.SwId, image.Fuses, TestIdentities.Now), TmelStatus.Generic, 0x0A03);
    }

    [Fact]
    public void Verify_NullArguments_Throw()
    {
        SignedImage image = SignedImage.Create();
        Assert.Throws<ArgumentNullException>(() => TsimImageVerifier.Verify(image.Metadata, 1, null!, image.Memory, TestIdentities.Now));
        Assert.Throws<ArgumentNullException>(() => TsimImageVerifier.Verify(image.Metadata, 1, image.Fuses, null!, TestIdentities.Now));
        Assert.Throws<ArgumentNullException>(() => TsimImageVerifier.VerifyFile(image.File, 1, null!, TestIdentities.Now));
    }

    // ---- Step 1: ELF and program headers → BAD_PARAMETER / 0x01 ----

    public static TheoryData<string> Step1Tampers() => [.. s_step1.Keys];

    private static readonly Dictionary<string, Action<SignedImage>> s_step1 = new()
    {
        ["truncated to 40 bytes"] = i => i.Metadata = i.Metadata[..40],
        ["truncated inside the phdr table"] = i => i.Metadata = i.Metadata[..150],
        ["not ELF magic"] = i => i.Metadata[1] = (byte)'X',
        ["ELFCLASS 3"] = i => i.Metadata[4] = 3,
        ["big-endian"] = i => i.Metadata[5] = 2,
        ["e_ehsize 64"] = i => i.Metadata[40] = 64,
        ["e_phoff 0x40"] = i => i.WriteUInt32(28, 0x40),
        ["e_phentsize 56"] = i => i.Metadata[42] = 56,
        ["e_phnum 101"] = i => i.Metadata[Phnum32] = 101,
        ["e_phnum 1"] = i => i.Metadata[Phnum32] = 1,
        ["e_phnum 0xFFFF"] = i => BinaryPrimitives.WriteUInt16LittleEndian(i.Metadata.AsSpan(Phnum32), 0xFFFF),
        ["phdr[0] is PT_LOAD"] = i => i.WriteUInt32(Phdr0, 1),
        ["phdr[0] flags"] = i => i.WriteUInt32(Phdr0 + 24, 0x0200_0000),
        ["phdr[0] offset"] = i => i.WriteUInt32(Phdr0 + 4, 4),
        ["phdr[0] filesz"] = i => i.WriteUInt32(Phdr0 + 16, 0xD0),
        ["phdr[1] is PT_LOAD"] = i => i.WriteUInt32(Phdr1, 1),
        ["PT_LOAD filesz above memsz"] = i => i.WriteUInt32(Phdr2 + 16, 0x61),
        ["PT_LOAD past 4 GiB"] = i => i.WriteUInt32(Phdr4 + 12, 0xFFFF_FF00),
        ["PT_LOADs overlap"] = i => i.WriteUInt32(Phdr3 + 12, 0x8000_0040),
    };

    [Theory]
    [MemberData(nameof(Step1Tampers))]
    public void Verify_BadElfOrPhdrs_FailsStep1WithBadParameter(string tamper)
    {
        SignedImage image = SignedImage.Create();
        s_step1[tamper](image);
        AssertFailed(image.Verify(), TmelStatus.BadParameter, 0x01, "ELF and program headers");
    }

    // ---- Step 2: hash segment → BAD_MESSAGE / 0x02 (hash segment at 212) ----

    public static TheoryData<string> Step2Tampers() => [.. s_step2.Keys];

    private const int Hash = 212;

    private static readonly Dictionary<string, Action<SignedImage>> s_step2 = new()
    {
        ["no HASH phdr"] = i => i.WriteUInt32(Phdr1 + 24, 0),
        ["HASH type on phdr[2] first"] = i => { i.WriteUInt32(Phdr1 + 24, 0); i.WriteUInt32(Phdr2 + 24, 0x0200_0005); },
        ["hash phdr flags not RO"] = i => i.WriteUInt32(Phdr1 + 24, 0x0200_0000),
        ["metadata one byte longer"] = i => i.Metadata = [.. i.Metadata, 0xFF],
        ["metadata one byte shorter"] = i => i.Metadata = i.Metadata[..^1],
        ["hash segment too short"] = i => { i.Metadata = i.Metadata[..(Hash + 100)]; i.WriteUInt32(Phdr1 + 16, 100); },
        ["version 6"] = i => i.WriteUInt32(Hash + 4, 6),
        ["common_md_size 28"] = i => i.WriteUInt32(Hash + 8, 28),
        ["qti_md_size 224"] = i => i.WriteUInt32(Hash + 12, 224),
        ["oem_md_size 120"] = i => i.WriteUInt32(Hash + 16, 120),
        ["hash_table_size for 4 phdrs"] = i => i.WriteUInt32(Hash + 20, 48 * 4),
        ["hash_table_size huge"] = i => i.WriteUInt32(Hash + 20, uint.MaxValue),
        ["qti_sig_size 104"] = i => i.WriteUInt32(Hash + 24, 104),
        ["qti_cert_chain_size 1"] = i => i.WriteUInt32(Hash + 28, 1),
        ["oem_sig_size 0"] = i => i.WriteUInt32(Hash + 32, 0),
        ["oem_sig_size 105"] = i => i.WriteUInt32(Hash + 32, 105),
        ["chain size past the segment"] = i => i.WriteUInt32(Hash + 36, i.ReadUInt32(Hash + 36) + 1),
        ["chain size overflowing"] = i => i.WriteUInt32(Hash + 36, uint.MaxValue),
        ["common md major 1"] = i => i.WriteUInt32(Hash + 40, 1),
        ["hash algorithm SHA-256"] = i => i.WriteUInt32(Hash + 40 + 16, 2),
        ["measurement target 7"] = i => i.WriteUInt32(Hash + 40 + 20, 7),
        ["OEM md major 3"] = i => i.WriteUInt32(Hash + 64, 3),
    };

    [Theory]
    [MemberData(nameof(Step2Tampers))]
    public void Verify_BadHashSegment_FailsStep2WithBadMessage(string tamper)
    {
        SignedImage image = SignedImage.Create();
        Assert.Equal(Hash, image.Reader.HashOffset);
        s_step2[tamper](image);
        AssertFailed(image.Verify(), TmelStatus.BadMessage, 0x02, "hash segment");
    }

    // ---- Step 3 ----

    [Fact]
    public void Verify_OtherSwId_FailsStep3()
    {
        AssertFailed(SignedImage.Create().Verify(swId: 0x0C), TmelStatus.Generic, 0x03, "software id");
    }

    // ---- Step 4: certificate chain → GENERIC / 0x04 ----

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-1.0 / 86400)]     // one second before NotBefore
    [InlineData(365.0)]            // exactly NotAfter: OpenSSL's rule, NotAfter exclusive
    [InlineData(366.0)]
    public void Verify_CertificatesNotValidAtNow_FailsStep4(double daysAfterCreation)
    {
        TsimVerificationResult result = SignedImage.Create().Verify(now: TestIdentities.Created.AddSeconds(Math.Round(daysAfterCreation * 86400)));
        AssertFailed(result, TmelStatus.Generic, 0x04, "certificate chain");
        Assert.Contains("not valid at", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Verify_CertificatesAtTheEdgesOfValidity_Succeed(bool atStart)
    {
        SignedImage image = SignedImage.Create();
        DateTimeOffset now = atStart ? TestIdentities.Created : TestIdentities.Created.AddDays(365).AddSeconds(-1);
        TsimVerificationResult result = image.Verify(now: now);
        Assert.True(result.IsSuccess, result.Detail);
    }

    public static TheoryData<string> OuTampers() => [.. s_ouTampers.Keys];

    private static readonly Dictionary<string, Action<SignedImage>> s_ouTampers = new()
    {
        ["md oem_id differs from OU 04"] = i => i.WriteUInt32(i.Reader.OemField(136), TestIdentities.OemId + 1),
        ["md product id differs from OU 06"] = i => i.WriteUInt32(i.Reader.OemField(140), TestIdentities.ModelId + 1),
        ["md jtag_id differs from OU 02"] = i => i.WriteUInt32(i.Reader.OemField(68), 7),
        ["md debug field differs from OU 03"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagDebug, 1)),
    };

    [Theory]
    [MemberData(nameof(OuTampers))]
    public void Verify_MetadataDisagreesWithSignerOus_FailsStep4(string tamper)
    {
        SignedImage image = SignedImage.Create();
        s_ouTampers[tamper](image);
        TsimVerificationResult result = image.Verify();
        AssertFailed(result, TmelStatus.Generic, 0x04, "certificate chain");
        Assert.Contains("OU 0", result.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> ChainTampers() => [.. s_chainTampers.Keys];

    private static readonly Dictionary<string, Func<TsimSigningIdentity, byte[]>> s_chainTampers = new()
    {
        ["only the leaf"] = id => id.Signer.RawData,
        ["leaf and CA, no root"] = id => [.. id.Signer.RawData, .. id.Ca!.RawData],
        ["four certificates"] = id => [.. id.EncodeChain(), .. id.Root.RawData],
        ["root first"] = id => [.. id.Root.RawData, .. id.Ca!.RawData, .. id.Signer.RawData],
        ["CA missing between leaf and root"] = id => [.. id.Signer.RawData, .. id.Root.RawData],
        ["root of another identity"] = id => [.. id.Signer.RawData, .. id.Ca!.RawData, .. TestIdentities.TwoLevels.Root.RawData],
        ["garbage after the chain"] = id => [.. id.EncodeChain(), 0x00, 0x00],
        ["not DER"] = id => [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00],
        ["an INTEGER, not a SEQUENCE"] = id => [0x02, 0x01, 0x05, .. id.EncodeChain()],
        ["a SEQUENCE that is no certificate"] = id => [0x30, 0x03, 0x02, 0x01, 0x05, .. id.Root.RawData],
        ["empty"] = id => [],
    };

    [Theory]
    [MemberData(nameof(ChainTampers))]
    public void Verify_BrokenChain_FailsStep4(string tamper)
    {
        SignedImage image = SignedImage.Create(threeLevels: true);
        image.ReplaceChain(s_chainTampers[tamper](image.Identity));
        image.Resign();
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x04, "certificate chain");
    }

    public static TheoryData<string> BadCertificates() => [.. s_badCertificates.Keys];

    private static readonly Dictionary<string, Func<CustomChain>> s_badCertificates = new()
    {
        ["root is not a CA"] = () => CustomChain.Build(rootIsCa: false),
        ["root lacks keyCertSign"] = () => CustomChain.Build(rootUsage: X509KeyUsageFlags.DigitalSignature),
        ["leaf is a CA"] = () => CustomChain.Build(leafIsCa: true),
        ["leaf lacks digitalSignature"] = () => CustomChain.Build(leafUsage: X509KeyUsageFlags.KeyEncipherment),
        ["leaf lacks OU 07"] = () => CustomChain.Build(organizationalUnits: ["01 000000000000000D SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 0042 OEM_ID", "06 1234 MODEL_ID"]),
        ["leaf has OU 04 twice"] = () => CustomChain.Build(organizationalUnits: ["01 000000000000000D SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 0042 OEM_ID", "04 0042 OEM_ID", "06 1234 MODEL_ID", "07 0002 SHA384"]),
        ["leaf OU 04 has 8 digits"] = () => CustomChain.Build(organizationalUnits: ["01 000000000000000D SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 00000042 OEM_ID", "06 1234 MODEL_ID", "07 0002 SHA384"]),
        ["leaf OU 07 says SHA256"] = () => CustomChain.Build(organizationalUnits: ["01 000000000000000D SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 0042 OEM_ID", "06 1234 MODEL_ID", "07 0001 SHA256"]),
        ["leaf OU 01 not hex"] = () => CustomChain.Build(organizationalUnits: ["01 00000000000000XD SW_ID", "02 00000000001300E1 HW_ID", "03 0000000000000002 DEBUG", "04 0042 OEM_ID", "06 1234 MODEL_ID", "07 0002 SHA384"]),
    };

    [Theory]
    [MemberData(nameof(BadCertificates))]
    public void Verify_CertificateBreaksARule_FailsStep4(string rule)
    {
        using CustomChain chain = s_badCertificates[rule]();
        SignedImage image = SignedImage.Create();
        image.ReplaceChain(chain.Der);
        image.Resign(chain.LeafKey);
        TsimFuses fuses = TestIdentities.Fuses(image.Identity);
        fuses.OemPkHash = chain.RootHash;
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x04, "certificate chain");
    }

    [Fact]
    public void Verify_CustomChainFollowingEveryRule_Succeeds()
    {
        // The control for the test above: the same hand-made chain without a broken rule verifies.
        using CustomChain chain = CustomChain.Build();
        SignedImage image = SignedImage.Create();
        image.ReplaceChain(chain.Der);
        chain.RootHash.CopyTo(image.Metadata, image.Reader.OemField(156));
        image.Resign(chain.LeafKey);
        TsimFuses fuses = TestIdentities.Fuses(image.Identity);
        fuses.OemPkHash = chain.RootHash;
        TsimVerificationResult result = image.Verify(fuses: fuses);
        Assert.True(result.IsSuccess, result.Step + ": " + result.Detail);
    }

    // ---- Step 5 ----

    [Fact]
    public void Verify_RootNotFused_FailsStep5()
    {
        SignedImage image = SignedImage.Create();
        TsimFuses fuses = TestIdentities.Fuses(TestIdentities.TwoLevels);
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x05, "root of trust");
        fuses.OemPkHash = [];
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x05, "root of trust");
    }

    // ---- Step 6 ----

    public static TheoryData<string> SignedByteTampers() => [.. s_signedByteTampers.Keys];

    private static readonly Dictionary<string, Action<SignedImage>> s_signedByteTampers = new()
    {
        ["signature byte"] = i => i.Metadata[i.Reader.SignatureOffset + 20] ^= 0x01,
        ["signature DER tag"] = i => i.Metadata[i.Reader.SignatureOffset] = 0x31,
        ["hash table entry 3"] = i => i.Metadata[i.Reader.HashTableOffset + (48 * 3) + 7] ^= 0x80,
        ["hash table entry 1"] = i => i.Metadata[i.Reader.HashTableOffset + 48] = 1,
        ["anti-rollback version"] = i => i.WriteUInt32(i.Reader.OemField(8), 5),
        ["OEM lifecycle state"] = i => i.WriteUInt32(i.Reader.OemField(144), 2),
        ["measurement register target"] = i => i.WriteUInt32(Hash + 40 + 20, 4),
    };

    [Theory]
    [MemberData(nameof(SignedByteTampers))]
    public void Verify_SignedBytesChanged_FailsStep6(string tamper)
    {
        SignedImage image = SignedImage.Create();
        s_signedByteTampers[tamper](image);
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x06, "signature");
    }

    [Fact]
    public void Verify_ChainOfAnotherIdentityWithTheSameOus_FailsStep6()
    {
        // Another identity, same OUs, its root fused: the chain checks pass, but that leaf key did not sign.
        using TsimSigningIdentity other = TestIdentities.Create(threeLevels: true);
        SignedImage image = SignedImage.Create();
        image.ReplaceChain(other.EncodeChain());
        image.Resign();
        TsimFuses fuses = TestIdentities.Fuses(other);
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x06, "signature");
    }

    // ---- Step 7 ----

    public static TheoryData<string> HeaderTampers() => [.. s_headerTampers.Keys];

    private static readonly Dictionary<string, Action<SignedImage>> s_headerTampers = new()
    {
        ["e_entry"] = i => i.WriteUInt32(24, 0x8000_0020),
        ["e_machine"] = i => i.Metadata[18] = 3,
        ["e_ident padding"] = i => i.Metadata[12] = 1,
        ["PT_LOAD file offset"] = i => i.WriteUInt32(Phdr2 + 4, 0x3000),
        ["PT_LOAD flags"] = i => i.WriteUInt32(Phdr2 + 24, 7),
        ["hash segment vaddr"] = i => i.WriteUInt32(Phdr1 + 8, 0),
    };

    [Theory]
    [MemberData(nameof(HeaderTampers))]
    public void Verify_ElfHeaderOrPhdrsChanged_FailsStep7(string tamper)
    {
        SignedImage image = SignedImage.Create();
        s_headerTampers[tamper](image);
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x07, "ELF header hash");
    }

    // ---- Step 8: bindings → 0x08; debug and anti-rollback → 0x09 ----

    public static TheoryData<string> FuseMismatches() => [.. s_fuseMismatches.Keys];

    private static readonly Dictionary<string, Action<TsimFuses>> s_fuseMismatches = new()
    {
        ["OEM_ID"] = f => f.OemId++,
        ["MODEL_ID"] = f => f.ModelId++,
        ["HW_ID"] = f => f.HwId++,
        ["HW_ID above 32 bits"] = f => f.HwId |= 1UL << 32,
    };

    [Theory]
    [MemberData(nameof(FuseMismatches))]
    public void Verify_FuseDiffersFromMetadata_FailsStep8(string fuse)
    {
        SignedImage image = SignedImage.Create();
        TsimFuses fuses = TestIdentities.Fuses(image.Identity);
        s_fuseMismatches[fuse](fuses);
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x08, "metadata binding");
    }

    public static TheoryData<string> BindingTampers() => [.. s_bindingTampers.Keys];

    private static readonly Dictionary<string, Action<SignedImage>> s_bindingTampers = new()
    {
        ["root hash differs"] = i => i.Metadata[i.Reader.OemField(156) + 47] ^= 1,
        ["root hash padding not zero"] = i => i.Metadata[i.Reader.OemField(156) + 50] = 1,
        ["root hash algorithm SHA-256"] = i => i.WriteUInt32(i.Reader.OemField(152), 2),
        ["root_cert_index 1"] = i => i.WriteUInt32(i.Reader.OemField(12), 1),
        ["not bound to OEM id"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagOemId, 1)),
        ["not bound to product id"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagOemProductId, 1)),
        ["not bound to JTAG id"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagJtagId, 1)),
        ["not bound to root hash"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagOemRootCertHash, 0)),
        ["bound to serial numbers"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagSerialNumbers, 2)),
        ["SoC HW version field 00"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagSocHwVersions, 0)),
        ["flag bit 22"] = i => i.WriteUInt32(i.Reader.OemField(220), OemMetadata.TsimFlags | (1u << 22)),
    };

    [Theory]
    [MemberData(nameof(BindingTampers))]
    public void Verify_SignedBindingUnsupportedOrWrong_FailsStep8(string tamper)
    {
        SignedImage image = SignedImage.Create();
        s_bindingTampers[tamper](image);
        image.Resign();
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x08, "metadata binding");
    }

    [Theory]
    [InlineData(5u, false)]
    [InlineData(4u, true)]
    [InlineData(0u, true)]
    public void Verify_AntiRollbackAgainstFusedMinimum_FailsStep8bBelowIt(uint minimum, bool passes)
    {
        SignedImage image = SignedImage.Create(antiRollback: 4);
        TsimFuses fuses = TestIdentities.Fuses(image.Identity);
        fuses.MinimumAntiRollback = new Dictionary<uint, uint> { [TestIdentities.SwId] = minimum, [0x0C] = 100 };
        TsimVerificationResult result = image.Verify(fuses: fuses);
        if (passes)
        {
            Assert.True(result.IsSuccess, result.Detail);
        }
        else
        {
            AssertFailed(result, TmelStatus.Generic, 0x09, "debug and anti-rollback");
        }
    }

    [Fact]
    public void Verify_AntiRollbackAbove127_FailsStep8b()
    {
        SignedImage image = SignedImage.Create();
        image.WriteUInt32(image.Reader.OemField(8), 128);
        image.Resign();
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x09, "debug and anti-rollback");
    }

    [Theory]
    [InlineData(3u)] // enabled for a matching serial: the simulator fuses none
    [InlineData(0u)] // not a valid 2-bit value
    public void Verify_DebugNotDisabled_FailsStep8b(uint debug)
    {
        // The OU DEBUG must agree with the metadata (step 4), so this needs a chain that says the same.
        using CustomChain chain = CustomChain.Build(debug: debug);
        SignedImage image = SignedImage.Create();
        image.ReplaceChain(chain.Der);
        chain.RootHash.CopyTo(image.Metadata, image.Reader.OemField(156));
        image.WriteUInt32(image.Reader.OemField(220), OemMetadata.WithField(OemMetadata.TsimFlags, OemMetadata.FlagDebug, debug));
        image.Resign(chain.LeafKey);
        TsimFuses fuses = TestIdentities.Fuses(image.Identity);
        fuses.OemPkHash = chain.RootHash;
        AssertFailed(image.Verify(fuses: fuses), TmelStatus.Generic, 0x09, "debug and anti-rollback");
    }

    // ---- Step 9: segments → GENERIC / 0x0A00 | i, unreadable → BAD_ADDRESS / 0x0A00 | i ----

    [Theory]
    [InlineData(2, 0x0)]
    [InlineData(3, 0x2F)]
    [InlineData(4, 0x1F)]
    public void Verify_LoadedSegmentByteChanged_FailsStep9ForThatSegment(int phdr, int offset)
    {
        SignedImage image = SignedImage.Create();
        ulong paddr = new SignedFileReader(image.File).Phdr(phdr).Paddr;
        image.Memory.Bytes[(int)(paddr - image.Memory.Base) + offset] ^= 0x40;
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x0A00u | (uint)phdr, "segment hash");
    }

    [Fact]
    public void Verify_BssTailOrGapChanged_StillSucceeds()
    {
        // Bytes past p_filesz and between segments are not hashed (services.md §1.1: the hash covers only filesz).
        SignedImage image = SignedImage.Create();
        image.Memory.Bytes[0x2000 + 0x20] = 0xAA; // phdr 4: filesz 0x20, memsz 0x200
        image.Memory.Bytes[0x0800] = 0xAA;        // between phdr 2 (0x60 bytes) and phdr 3 (0x1000)
        Assert.True(image.Verify().IsSuccess);
    }

    [Fact]
    public void Verify_SegmentNotLoaded_FailsStep9WithBadAddress()
    {
        SignedImage image = SignedImage.Create();
        AssertFailed(image.Verify(memory: new ArrayLoadedMemory(0x1000, new byte[0x100])), TmelStatus.BadAddress, 0x0A02, "segment hash");
        var short4 = new ArrayLoadedMemory(image.Memory.Base, image.Memory.Bytes[..0x2010]); // phdr 4 starts at +0x2000, 0x20 bytes
        AssertFailed(image.Verify(memory: short4), TmelStatus.BadAddress, 0x0A04, "segment hash");
    }

    [Fact]
    public void Verify_NoHashedSegment_FailsStep9()
    {
        SignedImage image = SignedImage.Create();
        foreach (int phdr in new[] { Phdr2, Phdr3, Phdr4 })
        {
            image.WriteUInt32(phdr + 16, 0); // p_filesz
            image.WriteUInt32(phdr + 20, 0); // p_memsz: not hashed any more
        }

        image.Resign();
        AssertFailed(image.Verify(), TmelStatus.Generic, 0x0A00, "segment hash");
    }

    private static void AssertFailed(TsimVerificationResult result, TmelStatus status, uint extendedError, string? step = null)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal((status, extendedError), (result.Status, result.ExtendedError));
        if (step is not null)
        {
            Assert.Equal(step, result.Step);
        }

        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Null(result.Measurement);
        Assert.Equal((0u, 0u, 0u), (result.FirstSegmentAddress, result.FirstSegmentLength, result.EntryAddress));
    }
}
