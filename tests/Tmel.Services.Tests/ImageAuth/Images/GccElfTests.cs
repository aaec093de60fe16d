using System.Buffers.Binary;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Signing what a real linker produced: gcc's static and dynamic (PIE) executables, ELF64 and ELF32.</summary>
public class GccElfTests
{
    public static TheoryData<string, string, string[]> Builds() => new()
    {
        { "static x86-64", "tiny-x86_64.elf", ["-static", "-nostdlib", "-O1"] },
        { "static i386", "tiny-i386.elf", ["-m32", "-static", "-nostdlib", "-O1"] },
        { "checked-in x86-64", "tiny-x86_64.elf", [] },
        { "checked-in i386", "tiny-i386.elf", [] },
    };

    [Theory]
    [MemberData(nameof(Builds))]
    public void Sign_GccExecutable_VerifiesAndLoadsEveryPtLoad(string build, string checkedIn, string[] gccArguments)
    {
        byte[] elf = gccArguments.Length == 0
            ? File.ReadAllBytes(Path.Combine(Gcc.TestData, checkedIn))
            : Gcc.CompileOrCheckedIn(checkedIn, gccArguments);
        AssertSignsAndVerifies(elf, build);
    }

    [Fact]
    public void Sign_GccDynamicPie_KeepsOnlyThePtLoadsAndVerifies()
    {
        // Plain gcc: a PIE linked against libc, with PT_PHDR, PT_INTERP, PT_DYNAMIC, PT_NOTE, PT_GNU_* and section headers.
        byte[] elf = Gcc.CompileOrCheckedIn("tiny-x86_64.elf", "-O1", "-DTSIM_HOSTED");
        AssertSignsAndVerifies(elf, "plain gcc");
        if (Gcc.IsAvailable)
        {
            Assert.Contains(ReadPhdrs(elf), p => p.Type == 3); // PT_INTERP was there, and is gone from the signed file
        }
    }

    private static void AssertSignsAndVerifies(byte[] elf, string build)
    {
        (uint Type, ulong Offset, ulong Paddr, ulong FileSize, ulong MemorySize)[] input = ReadPhdrs(elf);
        var loads = input.Where(p => p.Type == 1 && p.MemorySize != 0).ToArray();
        Assert.NotEmpty(loads);

        byte[] signed = TsimImageSigner.Sign(elf, TestIdentities.ThreeLevels, TestIdentities.SignOptions());

        TsimVerificationResult result = TsimImageVerifier.VerifyFile(signed, TestIdentities.SwId, TestIdentities.Fuses(TestIdentities.ThreeLevels), TestIdentities.Now);
        Assert.True(result.IsSuccess, $"{build}: {result.Step}: {result.Detail}");
        var output = ReadPhdrs(signed);
        Assert.Equal(loads.Length + 2, output.Length);
        Assert.All(output.Skip(2), p => Assert.Equal(1u, p.Type));
        Assert.Equal((uint)loads[0].Paddr, result.FirstSegmentAddress);
        Assert.Equal((uint)ReadEntry(elf), result.EntryAddress);

        TsimImage image = TsimImage.Parse(signed);
        byte[] load = image.CreateLoadImage();
        foreach (var p in loads)
        {
            Assert.Equal(elf.AsSpan((int)p.Offset, (int)p.FileSize).ToArray(), load.AsSpan((int)(p.Paddr - image.LoadBase), (int)p.FileSize).ToArray());
        }
    }

    private static ulong ReadEntry(byte[] elf) => elf[4] == 2
        ? BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(24))
        : BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(24));

    private static (uint Type, ulong Offset, ulong Paddr, ulong FileSize, ulong MemorySize)[] ReadPhdrs(byte[] elf)
    {
        bool is64 = elf[4] == 2;
        ulong phoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32)) : BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(28));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(is64 ? 56 : 44));
        int size = is64 ? 56 : 32;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            ReadOnlySpan<byte> p = elf.AsSpan((int)phoff + (i * size), size);
            return is64
                ? (BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]), BinaryPrimitives.ReadUInt64LittleEndian(p[24..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(p[32..]), BinaryPrimitives.ReadUInt64LittleEndian(p[40..]))
                : (BinaryPrimitives.ReadUInt32LittleEndian(p), (ulong)BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), (ulong)BinaryPrimitives.ReadUInt32LittleEndian(p[12..]),
                    (ulong)BinaryPrimitives.ReadUInt32LittleEndian(p[16..]), (ulong)BinaryPrimitives.ReadUInt32LittleEndian(p[20..]));
        })];
    }
}
