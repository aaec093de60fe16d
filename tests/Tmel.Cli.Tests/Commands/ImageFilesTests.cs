using Tmel.Cli.Commands;

namespace Tmel.Cli.Tests.Commands;

/// <summary>ImageFiles.ReadAsync on its own: the buffer, links.</summary>
public sealed class ImageFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tmel-files-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReadAsync_RegularFile_ExactlySizedBuffer()
    {
        byte[] content = [.. Enumerable.Range(0, 70_000).Select(i => (byte)i)];
        string path = Path.Combine(_dir, "content.bin");
        await File.WriteAllBytesAsync(path, content, Ct);

        byte[] read = await ImageFiles.ReadAsync(path, content.Length, Ct);

        Assert.Equal(content, read);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_EmptyBuffer()
    {
        string path = Path.Combine(_dir, "empty.bin");
        await File.WriteAllBytesAsync(path, [], Ct);

        byte[] read = await ImageFiles.ReadAsync(path, 1, Ct);

        Assert.Empty(read);
    }

    [Fact]
    public async Task ReadAsync_SymlinkToARegularFile_Follows_SymlinkToADevice_Refused()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");
        string target = Path.Combine(_dir, "target.bin");
        await File.WriteAllBytesAsync(target, [1, 2, 3], Ct);
        string toFile = Path.Combine(_dir, "to-file");
        string toDevice = Path.Combine(_dir, "to-device");
        File.CreateSymbolicLink(toFile, target);
        File.CreateSymbolicLink(toDevice, "/dev/zero");

        byte[] read = await ImageFiles.ReadAsync(toFile, 16, Ct);
        ImageFileException e = await Assert.ThrowsAsync<ImageFileException>(() => ImageFiles.ReadAsync(toDevice, 16, Ct));

        Assert.Equal([1, 2, 3], read);
        Assert.Contains("character device", e.Message, StringComparison.Ordinal);
    }
}
