using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>The signer's output layout (services.md §1.1, §1.2, §1.8), with golden bytes for the ELF header and the two extra phdrs.</summary>
public class TsimImageSignerTests
{
    // The small firmware: PT_LOADs at 0x80000000 (0x60), 0x80001000 (0x30), 0x80002000 (0x20 of 0x200) and a PT_NOTE (dropped),
    // so the output has 5 phdrs, the last PT_LOAD ends at 0x80002200 and the hash segment goes to 0x80003000.
    private const int SignedWithoutChain = 40 + 24 + 224 + (48 * 5) + 103;

    [Fact]
    public void Sign_Elf32_WritesTheElfHeaderAndExtraPhdrs_GoldenBytes()
    {
        TsimSigningIdentity identity = TestIdentities.ThreeLevels;
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: false, withSectionHeaders: true), identity, TestIdentities.SignOptions());
        int hashLength = SignedWithoutChain + identity.EncodeChain().Length;

        string header =
            "7F454C46" + "01" + "01" + "01" + "00" + "00" + "00000000000000" + // e_ident: magic, ELFCLASS32, LSB, EV_CURRENT, OS ABI 0, ABI 0, pad
            "0200" +     // 16 e_type      ET_EXEC
            "2800" +     // 18 e_machine   40 (ARM)
            "01000000" + // 20 e_version   1
            "10000080" + // 24 e_entry     0x80000010
            "34000000" + // 28 e_phoff     52 = e_ehsize
            "00000000" + // 32 e_shoff     0 (section headers dropped)
            "00000000" + // 36 e_flags
            "3400" +     // 40 e_ehsize    52
            "2000" +     // 42 e_phentsize 32
            "0500" +     // 44 e_phnum     5
            "0000" +     // 46 e_shentsize 0
            "0000" +     // 48 e_shnum     0
            "0000";      // 50 e_shstrndx  0
        string phdr0 =
            "00000000" + // p_type   PT_NULL
            "00000000" + // p_offset 0
            "00000000" + // p_vaddr  0
            "00000000" + // p_paddr  0
            "D4000000" + // p_filesz 52 + 5 x 32 = 212
            "00000000" + // p_memsz  0
            "00000007" + // p_flags  0x07000000 (segment type 7, PHDR)
            "00000000";  // p_align  0
        string phdr1 =
            "00000000" +                             // p_type   PT_NULL
            "00100000" +                             // p_offset 0x1000 (first page after the phdrs)
            "00300080" +                             // p_vaddr  0x80003000 = align_up(0x80002200, 0x1000)
            "00300080" +                             // p_paddr  the same
            SignedFileReader.Le32((ulong)hashLength) + // p_filesz exact hash-segment length
            "00100000" +                             // p_memsz  align_up(filesz, 0x1000)
            "00002002" +                             // p_flags  0x02200000 (segment type 2 HASH, access type 1 RO)
            "00100000";                              // p_align  0x1000
        string load0 =
            "01000000" + // p_type   PT_LOAD
            "00200000" + // p_offset 0x2000, congruent to 0x80000000 mod 0x1000, after the hash segment
            "00000080" + // p_vaddr  0x80000000
            "00000080" + // p_paddr  0x80000000
            "60000000" + // p_filesz 0x60
            "60000000" + // p_memsz  0x60
            "05000000" + // p_flags  R|X
            "00100000";  // p_align  0x1000

        Assert.Equal(header + phdr0 + phdr1 + load0, Convert.ToHexString(signed.AsSpan(0, 52 + (3 * 32))));
    }

    [Fact]
    public void Sign_Elf64_WritesTheElfHeaderAndExtraPhdrs_GoldenBytes()
    {
        TsimSigningIdentity identity = TestIdentities.TwoLevels;
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: true, withSectionHeaders: true), identity, TestIdentities.SignOptions());
        int hashLength = SignedWithoutChain + identity.EncodeChain().Length;

        string header =
            "7F454C46" + "02" + "01" + "01" + "00" + "00" + "00000000000000" + // e_ident: magic, ELFCLASS64, LSB, EV_CURRENT, OS ABI 0, ABI 0, pad
            "0200" +             // 16 e_type      ET_EXEC
            "B700" +             // 18 e_machine   183 (AArch64)
            "01000000" +         // 20 e_version   1
            "1000008000000000" + // 24 e_entry     0x80000010
            "4000000000000000" + // 32 e_phoff     64 = e_ehsize
            "0000000000000000" + // 40 e_shoff     0
            "00000000" +         // 48 e_flags
            "4000" +             // 52 e_ehsize    64
            "3800" +             // 54 e_phentsize 56
            "0500" +             // 56 e_phnum     5
            "0000" +             // 58 e_shentsize 0
            "0000" +             // 60 e_shnum     0
            "0000";              // 62 e_shstrndx  0
        string phdr0 =
            "00000000" +         // p_type   PT_NULL
            "00000007" +         // p_flags  0x07000000
            "0000000000000000" + // p_offset 0
            "0000000000000000" + // p_vaddr  0
            "0000000000000000" + // p_paddr  0
            "5801000000000000" + // p_filesz 64 + 5 x 56 = 344
            "0000000000000000" + // p_memsz  0
            "0000000000000000";  // p_align  0
        string phdr1 =
            "00000000" +                               // p_type   PT_NULL
            "00002002" +                               // p_flags  0x02200000
            "0010000000000000" +                       // p_offset 0x1000
            "0030008000000000" +                       // p_vaddr  0x80003000
            "0030008000000000" +                       // p_paddr  0x80003000
            SignedFileReader.Le64((ulong)hashLength) + // p_filesz exact
            "0010000000000000" +                       // p_memsz  0x1000
            "0010000000000000";                        // p_align  0x1000

        Assert.Equal(header + phdr0 + phdr1, Convert.ToHexString(signed.AsSpan(0, 64 + (2 * 56))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sign_PtLoads_KeepOrderAndBytes_AtOffsetsCongruentToVaddr(bool is64)
    {
        byte[] input = TestElfWriter.Build(
            is64,
            [
                new TestSegment(0x9000_0123, TestElfWriter.Pattern(0x41, 7), 0x41, Align: 0x1000),
                new TestSegment(0x9001_0007, TestElfWriter.Pattern(0x2000, 8), 0x3000, Align: 0x10000),
                new TestSegment(0x9004_0000, [], 0x800, Align: 0x1000),
                new TestSegment(0x9005_0002, TestElfWriter.Pattern(5, 9), 5, Align: 1),
            ]);
        var reader = new SignedFileReader(TsimImageSigner.Sign(input, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));

        Assert.Equal(6, reader.Count);
        (ulong address, int length, ulong memory, ulong align, int seed)[] expected =
            [(0x9000_0123, 0x41, 0x41, 0x1000, 7), (0x9001_0007, 0x2000, 0x3000, 0x10000, 8), (0x9004_0000, 0, 0x800, 0x1000, -1), (0x9005_0002, 5, 5, 1, 9)];
        ulong previousEnd = (ulong)(reader.HashOffset + reader.HashLength);
        for (int i = 0; i < expected.Length; i++)
        {
            var p = reader.Phdr(i + 2);
            Assert.Equal(1u, p.Type);
            Assert.Equal(expected[i].address, p.Vaddr);
            Assert.Equal(expected[i].address, p.Paddr);
            Assert.Equal((ulong)expected[i].length, p.FileSize);
            Assert.Equal(expected[i].memory, p.MemorySize);
            Assert.Equal(expected[i].align, p.Align);
            Assert.Equal(p.Vaddr % p.Align, p.Offset % p.Align);
            Assert.True(p.Offset >= previousEnd, $"segment {i} at 0x{p.Offset:X} overlaps what comes before (0x{previousEnd:X})");
            Assert.True(p.Offset - previousEnd < p.Align, $"segment {i} is placed further than one alignment away");
            if (expected[i].length > 0)
            {
                Assert.Equal(TestElfWriter.Pattern(expected[i].length, expected[i].seed), reader.File.AsSpan((int)p.Offset, expected[i].length).ToArray());
            }

            previousEnd = p.Offset + p.FileSize;
        }

        Assert.Equal((ulong)reader.File.Length, previousEnd);
    }

    [Fact]
    public void Sign_DropsNonLoadPhdrsEmptyLoadsAndSectionHeaders_ClearsQcomBits()
    {
        byte[] input = TestElfWriter.Build(
            is64: true,
            [
                new TestSegment(0, [], 0, Flags: 4, Align: 8, Type: 6),                                // PT_PHDR
                new TestSegment(0x40_0000, TestElfWriter.Pattern(0x20, 1), 0x20, Flags: 0x0010_0005),  // QCOM page-mode bit set
                new TestSegment(0x40_1000, [], 0, Flags: 6),                                           // PT_LOAD with memsz 0
                new TestSegment(0, TestElfWriter.Pattern(8, 2), 8, Flags: 4, Align: 4, Type: 4),       // PT_NOTE
                new TestSegment(0, [], 0, Flags: 6, Align: 16, Type: 0x6474E551),                      // PT_GNU_STACK
                new TestSegment(0x40_2000, TestElfWriter.Pattern(0x10, 3), 0x10, Flags: 0x0120_0006), // QCOM type 1 (AMSS), access RO
            ],
            withSectionHeaders: true);
        var reader = new SignedFileReader(TsimImageSigner.Sign(input, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));

        Assert.Equal(4, reader.Count);
        Assert.Equal((1u, 5u, 0x40_0000ul), (reader.Phdr(2).Type, reader.Phdr(2).Flags, reader.Phdr(2).Paddr));
        Assert.Equal((1u, 6u, 0x40_2000ul), (reader.Phdr(3).Type, reader.Phdr(3).Flags, reader.Phdr(3).Paddr));
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(reader.File.AsSpan(40)));  // e_shoff
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(reader.File.AsSpan(60)));   // e_shnum
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sign_HashTable_FollowsTheSheetsRules(bool is64)
    {
        byte[] bss = [];
        byte[] input = TestElfWriter.Build(
            is64,
            [
                new TestSegment(0x8000_0000, TestElfWriter.Pattern(0x100, 1), 0x100),
                new TestSegment(0x8000_1000, bss, 0x400),
                new TestSegment(0x8000_2000, TestElfWriter.Pattern(0x10, 2), 0x80),
            ]);
        var reader = new SignedFileReader(TsimImageSigner.Sign(input, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));

        Assert.Equal((uint)(48 * 5), reader.HeaderWord(20));
        Assert.Equal(SHA384.HashData(reader.File.AsSpan(0, reader.HeaderLength)), reader.Entry(0).ToArray());
        Assert.Equal(new byte[48], reader.Entry(1).ToArray());
        Assert.Equal(SHA384.HashData(TestElfWriter.Pattern(0x100, 1)), reader.Entry(2).ToArray());
        Assert.Equal(SHA384.HashData(bss), reader.Entry(3).ToArray());
        Assert.Equal(SHA384.HashData(TestElfWriter.Pattern(0x10, 2)), reader.Entry(4).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sign_HashSegment_CarriesMetadataSignatureAndChain(bool threeLevels)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);
        TsimSignOptions options = TestIdentities.SignOptions(antiRollback: 9);
        options.MeasurementRegisterTarget = 5;
        options.OemLifecycleState = 2;
        var reader = new SignedFileReader(TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: false), identity, options));
        byte[] chain = identity.EncodeChain();

        Assert.Equal(reader.SignedLength + 103 + chain.Length, reader.HashLength);
        Assert.Equal(Convert.FromHexString("00000000" + "07000000" + "18000000" + "00000000" + "E0000000" + "F0000000" + "00000000" + "00000000" + "67000000")
            .Concat(BitConverterLe(chain.Length)).ToArray(), reader.HashSegment[..40].ToArray());
        Assert.Equal("00000000" + "00000000" + "0D000000" + "00000000" + "03000000" + "05000000", Convert.ToHexString(reader.HashSegment.Slice(40, 24)));

        Span<byte> oem = reader.HashSegment.Slice(64, 224);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(oem));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(oem[8..]));
        Assert.Equal((uint)TestIdentities.HwId, BinaryPrimitives.ReadUInt32LittleEndian(oem[68..]));
        Assert.Equal(TestIdentities.OemId, BinaryPrimitives.ReadUInt32LittleEndian(oem[136..]));
        Assert.Equal(TestIdentities.ModelId, BinaryPrimitives.ReadUInt32LittleEndian(oem[140..]));
        Assert.Equal(2ul, BinaryPrimitives.ReadUInt64LittleEndian(oem[144..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(oem[152..]));
        Assert.Equal([.. identity.OemPkHash, .. new byte[16]], oem.Slice(156, 64).ToArray());
        Assert.Equal(0x001A_5A65u, BinaryPrimitives.ReadUInt32LittleEndian(oem[220..]));

        using ECDsa key = identity.Signer.GetECDsaPublicKey()!;
        byte[] signature = reader.File.AsSpan(reader.SignatureOffset, reader.SignatureLength).ToArray();
        Assert.Equal(0x30, signature[0]);
        Assert.True(key.VerifyData(reader.HashSegment[..reader.SignedLength], signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(chain, reader.File.AsSpan(reader.ChainOffset, reader.ChainLength).ToArray());
    }

    public static TheoryData<string, byte[]> InvalidInputs()
    {
        byte[] small = TestElfWriter.SmallFirmware(is64: false);
        byte[] bigEndian = TestElfWriter.Build(false, [new TestSegment(0x1000, [1], 1)], data: 2);
        byte[] relocatable = (byte[])small.Clone();
        relocatable[16] = 1;
        byte[] truncatedTable = small[..60];
        byte[] pastEnd = TestElfWriter.Build(false, [new TestSegment(0x1000, [1, 2, 3, 4], 4)]);
        BinaryPrimitives.WriteUInt32LittleEndian(pastEnd.AsSpan(52 + 16), 0x1000); // p_filesz far past the end
        BinaryPrimitives.WriteUInt32LittleEndian(pastEnd.AsSpan(52 + 20), 0x1000);
        byte[] extended = (byte[])small.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(extended.AsSpan(44), 0xFFFF);
        return new TheoryData<string, byte[]>
        {
            { "not an ELF", [.. "MZ not an ELF file at all"u8] },
            { "empty", [] },
            { "big-endian", bigEndian },
            { "ET_REL", relocatable },
            { "no phdrs", TestElfWriter.Build(false, []) },
            { "only a PT_NOTE", TestElfWriter.Build(false, [new TestSegment(0, [1, 2, 3, 4], 4, Type: 4)]) },
            { "only empty PT_LOADs", TestElfWriter.Build(true, [new TestSegment(0x1000, [], 0)]) },
            { "phdr table truncated", truncatedTable },
            { "extended numbering", extended },
            { "segment past end of file", pastEnd },
            { "already signed", TsimImageSigner.Sign(small, TestIdentities.ThreeLevels, TestIdentities.SignOptions()) },
            { "overlapping segments", TestElfWriter.Build(false, [new TestSegment(0x1000, [1], 0x100), new TestSegment(0x10F0, [2], 0x100)]) },
            { "filesz above memsz", TestElfWriter.Build(false, [new TestSegment(0x1000, [1, 2, 3, 4], 2)]) },
            { "above 4 GiB", TestElfWriter.Build(true, [new TestSegment(0xFFFF_F000, [1], 0x2000)]) },
            { "no room for the hash segment", TestElfWriter.Build(true, [new TestSegment(0xFFFF_F000, [1], 0x1000)]) },
            { "p_align not a power of two", TestElfWriter.Build(false, [new TestSegment(0x3000, [1], 1, Align: 0x3000)]) },
            { "p_align 512 MiB", TestElfWriter.Build(false, [new TestSegment(0x2000_0054, [1], 1, Align: 0x2000_0000)]) }, // offset 0x54, right after the phdr
            { "carve-out above 256 MiB", TestElfWriter.Build(false, [new TestSegment(0x1000, [1], 1), new TestSegment(0x2000_0000, [2], 1)]) },
            { "99 PT_LOADs", TestElfWriter.Build(false, [.. Enumerable.Range(0, 99).Select(i => new TestSegment((ulong)(0x1000 * (i + 1)), [(byte)i], 1))]) },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public void Sign_InvalidInput_ThrowsTsimImageException(string why, byte[] input)
    {
        TsimImageException e = Assert.Throws<TsimImageException>(() => TsimImageSigner.Sign(input, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));
        Assert.False(string.IsNullOrWhiteSpace(e.Message), why);
    }

    [Fact]
    public void Sign_98PtLoads_Fits100Phdrs()
    {
        byte[] input = TestElfWriter.Build(true, [.. Enumerable.Range(0, 98).Select(i => new TestSegment((ulong)(0x1000 * (i + 1)), [(byte)i], 1))]);
        var reader = new SignedFileReader(TsimImageSigner.Sign(input, TestIdentities.ThreeLevels, TestIdentities.SignOptions()));
        Assert.Equal(100, reader.Count);
        Assert.Equal(64 + (100 * 56), reader.HeaderLength);
        Assert.Equal(0x2000, reader.HashOffset); // 5664 bytes of ELF header and phdrs push the hash segment to the second page
    }

    // The options types are internal (TSIM tooling is not client API): the theory takes the case's name.
    private static readonly Dictionary<string, Action<TsimSignOptions>> s_invalidOptions = new(StringComparer.Ordinal)
    {
        ["ARB 128"] = o => o.AntiRollbackVersion = 128,
        ["MRT 7"] = o => o.MeasurementRegisterTarget = 7,
        ["HW_ID above 32 bits"] = o => o.HwId = 0x1_0000_0000,
        ["SW_ID differs from OU"] = o => o.SwId = 0x0C,
        ["HW_ID differs from OU"] = o => o.HwId = 1,
        ["OEM_ID differs from OU"] = o => o.OemId = 1,
        ["MODEL_ID differs from OU"] = o => o.ModelId = 1,
    };

    public static TheoryData<string> InvalidOptions() => [.. s_invalidOptions.Keys];

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Sign_InvalidOptions_ThrowsTsimImageException(string why)
    {
        TsimSignOptions options = TestIdentities.SignOptions();
        s_invalidOptions[why](options);
        TsimImageException e = Assert.Throws<TsimImageException>(() => TsimImageSigner.Sign(TestElfWriter.SmallFirmware(false), TestIdentities.ThreeLevels, options));
        Assert.False(string.IsNullOrWhiteSpace(e.Message), why);
    }

    [Fact]
    public void Sign_NullOrDisposedArguments_Throw()
    {
        byte[] elf = TestElfWriter.SmallFirmware(false);
        Assert.Throws<ArgumentNullException>(() => TsimImageSigner.Sign(elf, null!, TestIdentities.SignOptions()));
        Assert.Throws<ArgumentNullException>(() => TsimImageSigner.Sign(elf, TestIdentities.ThreeLevels, null!));
        TsimSigningIdentity disposed = TestIdentities.Create(threeLevels: false);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => TsimImageSigner.Sign(elf, disposed, TestIdentities.SignOptions()));
    }

    private static byte[] BitConverterLe(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }
}
