using System.Buffers.Binary;
using CsCheck;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>
/// Fuzzing the untrusted-input paths with CsCheck: arbitrary bytes and mutations of valid images (byte flips, truncations,
/// inserted garbage, huge or edge values written over every header field) through <see cref="TsimImageVerifier.Verify"/>,
/// <see cref="TsimImageVerifier.VerifyFile"/> and <see cref="TsimImage.Parse"/>. Verify and VerifyFile never throw; Parse
/// throws nothing but <see cref="TsimImageException"/>; a mutated input never verifies. Inputs stay small (a few KiB), so each
/// case is quick; a hang would show as a stuck run, never as a timing assertion.
/// </summary>
public class TsimFuzzTests
{
    public const int ArbitraryIterations = 20_000;
    public const int MetadataMutationIterations = 3_000;
    public const int FileMutationIterations = 1_500;

    private static readonly ulong[] s_edgeValues =
        [0, 1, 2, 0x34, 0x38, 0x40, 0x63, 0x64, 0x65, 0xFF, 0x1000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF0, 0xFFFF_FFFF, 0x1_0000_0000, ulong.MaxValue];

    private static readonly Lazy<SignedImage> s_elf32 = new(() => SignedImage.Create(is64: false));
    private static readonly Lazy<SignedImage> s_elf64 = new(() => SignedImage.Create(is64: true, threeLevels: false));

    [Fact]
    public void Verify_ArbitraryBytes_NeverThrowsNorSucceeds()
    {
        SignedImage valid = s_elf32.Value;
        Gen.Frequency((3, Gen.Byte.Array[0, 600]), (1, ElfLookingBytes()))
            .Sample(
                bytes =>
                    !TsimImageVerifier.Verify(bytes, TestIdentities.SwId, valid.Fuses, valid.Memory, TestIdentities.Now).IsSuccess
                    && !TsimImageVerifier.VerifyFile(bytes, TestIdentities.SwId, valid.Fuses, TestIdentities.Now).IsSuccess
                    && ParseOnlyThrowsTsimImageException(bytes),
                iter: ArbitraryIterations,
                print: Convert.ToHexString);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_MutatedMetadata_NeverThrowsAndOnlyTheOriginalVerifies(bool is64)
    {
        SignedImage valid = is64 ? s_elf64.Value : s_elf32.Value;
        byte[] original = valid.Metadata;
        int fieldsEnd = valid.Reader.HeaderLength + 40 + 24 + 224;
        Mutations(original, fieldsEnd)
            .Sample(
                metadata =>
                {
                    TsimVerificationResult result = TsimImageVerifier.Verify(metadata, TestIdentities.SwId, valid.Fuses, valid.Memory, TestIdentities.Now);
                    return !result.IsSuccess || metadata.AsSpan().SequenceEqual(original);
                },
                iter: MetadataMutationIterations,
                print: Convert.ToHexString);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParseAndVerifyFile_MutatedFile_OnlyTsimImageExceptionAndOnlyTheOriginalVerifies(bool is64)
    {
        SignedImage valid = is64 ? s_elf64.Value : s_elf32.Value;
        byte[] original = valid.File;
        byte[] originalLoad = valid.Image.CreateLoadImage();
        int fieldsEnd = new SignedFileReader(original).HeaderLength;
        Mutations(original, fieldsEnd)
            .Sample(
                file =>
                {
                    if (!ParseOnlyThrowsTsimImageException(file))
                    {
                        return false;
                    }

                    TsimVerificationResult result = TsimImageVerifier.VerifyFile(file, TestIdentities.SwId, valid.Fuses, TestIdentities.Now);
                    if (!result.IsSuccess)
                    {
                        return true;
                    }

                    // Only the zero padding outside metadata and segments may change: what a loader sees must be the original.
                    TsimImage image = TsimImage.Parse(file);
                    return image.Metadata.Span.SequenceEqual(valid.Metadata) && image.CreateLoadImage().AsSpan().SequenceEqual(originalLoad);
                },
                iter: FileMutationIterations,
                print: Convert.ToHexString);
    }

    [Fact]
    public void Verify_HugePhnumAndSizes_FailCleanly()
    {
        // Pinned edge cases: claims far larger than the bytes that carry them.
        SignedImage valid = s_elf32.Value;
        foreach ((int offset, int width) in new[] { (44, 2), (28, 4), (52 + 32 + 16, 4), (116 + 16, 4), (116 + 20, 4), (212 + 20, 4), (212 + 32, 4), (212 + 36, 4) })
        {
            foreach (ulong value in s_edgeValues)
            {
                byte[] metadata = WithValue(valid.Metadata, offset, width, value);
                TsimVerificationResult result = TsimImageVerifier.Verify(metadata, TestIdentities.SwId, valid.Fuses, valid.Memory, TestIdentities.Now);
                Assert.True(!result.IsSuccess || metadata.AsSpan().SequenceEqual(valid.Metadata), $"offset {offset} = 0x{value:X}");
            }
        }
    }

    private static bool ParseOnlyThrowsTsimImageException(byte[] bytes)
    {
        try
        {
            TsimImage image = TsimImage.Parse(bytes);
            return image.LoadSize is >= 0 and <= TsimImage.MaxLoadSize && image.Metadata.Length <= bytes.Length;
        }
        catch (TsimImageException e)
        {
            return e.Message.Length > 0;
        }
    }

    /// <summary>Random bytes behind a valid-looking ELF identification, so the fuzzer gets past the magic.</summary>
    private static Gen<byte[]> ElfLookingBytes() =>
        Gen.Select(Gen.Byte.Array[52, 600], Gen.OneOf<byte>(1, 2), Gen.Byte[0, 110], (bytes, elfClass, phnum) =>
        {
            bytes[0] = 0x7F;
            bytes[1] = (byte)'E';
            bytes[2] = (byte)'L';
            bytes[3] = (byte)'F';
            bytes[4] = elfClass;
            bytes[5] = 1;
            bytes[6] = 1;
            if (elfClass == 1)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), 52);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(40), 52);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(42), 32);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(44), phnum);
            }

            return bytes;
        });

    /// <summary>Byte flips, truncations, inserted garbage, duplicated slices, and edge values written over the header fields (the first <paramref name="fieldsEnd"/> bytes).</summary>
    private static Gen<byte[]> Mutations(byte[] valid, int fieldsEnd) => Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, valid.Length - 1].Array[1, 8], Gen.Byte[1, 255].Array[8], (indexes, masks) =>
        {
            byte[] copy = (byte[])valid.Clone();
            for (int i = 0; i < indexes.Length; i++)
            {
                copy[indexes[i]] ^= masks[i];
            }

            return copy;
        })),
        (2, Gen.Int[0, valid.Length - 1].Select(length => valid[..length])),
        (2, Gen.Select(Gen.Int[0, valid.Length], Gen.Byte.Array[1, 64], (position, junk) => (byte[])[.. valid[..position], .. junk, .. valid[position..]])),
        (1, Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[1, 256], Gen.Int[0, valid.Length], (start, length, position) =>
        {
            byte[] slice = valid.AsSpan(start, Math.Min(length, valid.Length - start)).ToArray();
            return (byte[])[.. valid[..position], .. slice, .. valid[position..]];
        })),
        (4, Gen.Select(Gen.Int[0, (fieldsEnd / 2) - 1], Gen.OneOf(2, 4, 8), Gen.Frequency((3, Gen.OneOf(s_edgeValues)), (1, Gen.ULong)), (slot, width, value) =>
            WithValue(valid, slot * 2, width, value))));

    private static byte[] WithValue(byte[] valid, int offset, int width, ulong value)
    {
        byte[] copy = (byte[])valid.Clone();
        Span<byte> at = copy.AsSpan(offset, Math.Min(width, copy.Length - offset));
        Span<byte> encoded = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(encoded, value);
        encoded[..at.Length].CopyTo(at);
        return copy;
    }
}
