using CsCheck;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>
/// Every byte the format protects is really protected: flipping any of them makes verification fail, for every byte of a
/// small ELF32 (3-level chain) and ELF64 (2-level chain) image, and for random multi-byte flips.
/// </summary>
/// <remarks>
/// Protected: the ELF header and phdr table (hash entry 0), the whole hash segment (header, metadata and hash table are
/// signed; the signature verifies them; the chain is checked certificate by certificate and the root against the fuse),
/// and each hashed PT_LOAD's p_filesz bytes (its hash entry). Not protected, and excluded on purpose: the file's zero
/// padding between the phdr table and the hash segment and between segments. A loader never reads those bytes, neither
/// the metadata nor the carve-out contains them, so no verifier can see them; <see cref="Flip_UnprotectedPadding_StillVerifies"/>
/// shows exactly those bytes are free. The carve-out's zero fill past p_filesz is likewise not hashed (the sheet's rule,
/// services.md §1.1); that is shown in the verifier tests. The signer writes no 0xFF padding: the hash segment's p_filesz is
/// its exact length.
/// </remarks>
public class TsimImageVerifierPropertyTests
{
    public const int RandomFlipIterations = 1000;

    private static readonly Lazy<Target> s_elf32 = new(() => new Target(SignedImage.Create(is64: false, threeLevels: true)));
    private static readonly Lazy<Target> s_elf64 = new(() => new Target(SignedImage.Create(is64: true, threeLevels: false)));

    /// <summary>One flip per protected byte: the ELF32 image flips bit (offset mod 8), so every bit position is hit across the bytes; the ELF64 image flips all eight bits.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Flip_EveryProtectedByte_FailsVerification(bool is64)
    {
        Target target = is64 ? s_elf64.Value : s_elf32.Value;
        var passed = new List<int>();
        foreach (int index in target.Protected)
        {
            byte[] file = (byte[])target.File.Clone();
            file[index] ^= is64 ? (byte)0xFF : (byte)(1 << (index % 8));
            if (target.Verify(file).IsSuccess)
            {
                passed.Add(index);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{target.Protected.Length} protected bytes flipped one at a time, of a {target.File.Length}-byte file");
        Assert.True(target.Protected.Length > 2000, $"only {target.Protected.Length} protected bytes");
        Assert.True(passed.Count == 0, $"flipping the byte at {string.Join(", ", passed.Select(i => $"0x{i:X}"))} still verified");
    }

    [Fact]
    public void Flip_RandomProtectedBytes_FailsVerification()
    {
        Target target = s_elf32.Value;
        Gen.Select(Gen.Int[0, target.Protected.Length - 1].Array[1, 4], Gen.Byte[1, 255].Array[4])
            .Sample(
                (indexes, masks) =>
                {
                    byte[] file = (byte[])target.File.Clone();
                    for (int i = 0; i < indexes.Length; i++)
                    {
                        file[target.Protected[indexes[i]]] ^= masks[i];
                    }

                    // Two flips of one byte can cancel out; only a file that really changed must fail.
                    return file.AsSpan().SequenceEqual(target.File) || !target.Verify(file).IsSuccess;
                },
                iter: RandomFlipIterations,
                print: t => $"[{string.Join(",", t.Item1.Select(i => $"0x{target.Protected[i]:X}"))}] ^ [{Convert.ToHexString(t.Item2)}]");
    }

    [Fact]
    public void Flip_UnprotectedPadding_StillVerifies()
    {
        Target target = s_elf32.Value;
        int[] padding = [.. Enumerable.Range(0, target.File.Length).Except(target.Protected)];
        Assert.NotEmpty(padding);
        Assert.All(padding, i => Assert.Equal(0, target.File[i])); // the signer zero-fills the gaps
        byte[] file = (byte[])target.File.Clone();
        foreach (int index in padding)
        {
            file[index] = 0xA5;
        }

        Assert.True(target.Verify(file).IsSuccess);
    }

    private sealed class Target
    {
        public Target(SignedImage image)
        {
            File = image.File;
            Fuses = image.Fuses;
            var reader = new SignedFileReader(File);
            var ranges = new List<(int Start, int Length)> { (0, reader.HeaderLength), (reader.HashOffset, reader.HashLength) };
            for (int i = 2; i < reader.Count; i++)
            {
                var p = reader.Phdr(i);
                ranges.Add(((int)p.Offset, (int)p.FileSize));
            }

            Protected = [.. ranges.SelectMany(r => Enumerable.Range(r.Start, r.Length)).Distinct().Order()];
        }

        public byte[] File { get; }

        public TsimFuses Fuses { get; }

        /// <summary>The file offsets of every protected byte.</summary>
        public int[] Protected { get; }

        public TsimVerificationResult Verify(byte[] file) => TsimImageVerifier.VerifyFile(file, TestIdentities.SwId, Fuses, TestIdentities.Now);
    }
}
