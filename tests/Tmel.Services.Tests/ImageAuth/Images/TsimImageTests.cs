using System.Buffers.Binary;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>What Linux's loader sees (services.md §1.1, §1.7): the metadata blob and the carve-out.</summary>
public class TsimImageTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_Metadata_IsHeaderAndPhdrsThenTheHashSegment(bool is64)
    {
        SignedImage image = SignedImage.Create(is64);
        var reader = new SignedFileReader(image.File);

        byte[] expected = [.. image.File.AsSpan(0, reader.HeaderLength), .. reader.HashSegment];
        Assert.Equal(expected, image.Image.Metadata.ToArray());
        Assert.Equal(TestIdentities.SwId, image.Image.SoftwareId);
        Assert.Equal(0x8000_0010ul, image.Image.EntryAddress);
    }

    [Fact]
    public void CreateLoadImage_PlacesFileBytesAndZeroFillsTheRest()
    {
        TsimImage image = SignedImage.Create().Image;

        Assert.Equal(0x8000_0000ul, image.LoadBase);
        Assert.Equal(0x3000, image.LoadSize); // up to align_up(0x80002200, 0x1000)
        byte[] load = image.CreateLoadImage();
        Assert.Equal(0x3000, load.Length);
        Assert.Equal(TestElfWriter.Pattern(0x60, 1), load[..0x60]);
        Assert.Equal(TestElfWriter.Pattern(0x30, 2), load[0x1000..0x1030]);
        Assert.Equal(TestElfWriter.Pattern(0x20, 3), load[0x2000..0x2020]);
        Assert.All(load[0x60..0x1000], b => Assert.Equal(0, b));
        Assert.All(load[0x2020..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void LoadBase_UnalignedFirstSegment_RoundsDownAndUp()
    {
        byte[] elf = TestElfWriter.Build(false, [new TestSegment(0x1000_0234, [1, 2, 3], 0x10, Align: 4), new TestSegment(0x1000_1FF0, [4], 0x11, Align: 4)]);
        TsimImage image = SignedImage.Create(elf: elf).Image;
        Assert.Equal(0x1000_0000ul, image.LoadBase);
        Assert.Equal(0x3000, image.LoadSize); // 0x10002001 rounds up to 0x10003000
        byte[] load = image.CreateLoadImage();
        Assert.Equal([1, 2, 3], load[0x234..0x237]);
        Assert.Equal(4, load[0x1FF0]);
    }

    [Fact]
    public void Metadata_IsACopy()
    {
        SignedImage image = SignedImage.Create();
        image.File[0] = 0;
        Assert.Equal(0x7F, image.Image.Metadata.Span[0]);
    }

    public static TheoryData<string> Corruptions() => [.. s_corruptions.Keys];

    private static readonly Dictionary<string, Func<byte[], byte[]>> s_corruptions = new()
    {
        ["empty"] = f => [],
        ["garbage"] = f => [.. "not an ELF"u8],
        ["an unsigned ELF"] = f => TestElfWriter.SmallFirmware(false),
        ["hash segment cut off"] = f => f[..0x1100],
        ["last segment cut off"] = f => f[..^1],
        ["no HASH phdr"] = f => With(f, 84 + 24, 0),
        ["hash segment offset past the end"] = f => With(f, 84 + 4, 0x7FFF_0000),
        ["segment offset past the end"] = f => With(f, 180 + 4, 0xFFFF_FFF0),
        ["version 6"] = f => With(f, 0x1000 + 4, 6),
        ["hash segment of 10 bytes"] = f => With(f, 84 + 16, 10),
        ["carve-out above 256 MiB"] = f => With(f, 180 + 12, 0xF000_0000),
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Parse_Malformed_ThrowsTsimImageException(string corruption)
    {
        byte[] file = s_corruptions[corruption](SignedImage.Create().File);
        TsimImageException e = Assert.Throws<TsimImageException>(() => TsimImage.Parse(file));
        Assert.StartsWith("The signed image is not usable: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CarveOutOfExactly256MiB_IsAccepted()
    {
        byte[] file = With(SignedImage.Create().File, 180 + 12, 0x8000_0000 + 0x0FFF_F000);
        file = With(file, 180 + 20, 0x1000); // memsz: the carve-out ends at 0x90000000
        TsimImage image = TsimImage.Parse(file);
        Assert.Equal(TsimImage.MaxLoadSize, image.LoadSize);
    }

    private static byte[] With(byte[] file, int offset, uint value)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
