using System.Diagnostics;

namespace Tmel.Cli.Tests.Commands;

/// <summary>How the image commands treat files (docs/cli.md, "Files"): regular inputs of bounded size, identities and outputs never replaced by surprise.</summary>
public sealed class ImageCommandFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tmel-files-").FullName;

    private static string TinyElf => Path.Combine(AppContext.BaseDirectory, "TestData", "tiny-x86_64.elf");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> ReadingCommands() => ["verify", "sign", "auth"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ImageCommand_CharacterDevice_RefusedAsNotARegularFile(string command)
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");
        string keys = await CreateKeysAsync();

        (int exit, _, string error) = await RunImageAsync(command, "/dev/zero", keys);

        Assert.Equal(1, exit);
        Assert.Equal("tmel: '/dev/zero' is a character device, not a regular file.", error.Trim());
    }

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ImageCommand_FifoWithoutWriter_RefusedWithoutBlocking(string command)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "FIFOs are a Unix file type");
        string keys = await CreateKeysAsync();
        string fifo = Path.Combine(_dir, "image.fifo");
        MakeFifo(fifo);

        Task<(int, string, string)> run = Task.Run(() => RunImageAsync(command, fifo, keys), Ct); // a blocking open must not block the test
        (int exit, _, string error) = await GuardAgainstBlockedOpen(run, fifo);

        Assert.Equal(1, exit);
        Assert.Equal($"tmel: '{fifo}' is a FIFO (named pipe), not a regular file.", error.Trim());
    }

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ImageCommand_Directory_RefusedAsNotARegularFile(string command)
    {
        string keys = await CreateKeysAsync();

        (int exit, _, string error) = await RunImageAsync(command, keys, keys);

        Assert.Equal(1, exit);
        Assert.Equal($"tmel: '{keys}' is a directory, not a regular file.", error.Trim());
    }

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ImageCommand_SparseFileAboveTheDefaultMaximum_RefusedFromItsSizeBeforeReading(string command)
    {
        string keys = await CreateKeysAsync();
        string big = Path.Combine(_dir, "big.mbn");
        CreateSparse(big, (64L * 1024 * 1024) + 1);

        (int exit, _, string error) = await RunImageAsync(command, big, keys);

        Assert.Equal(1, exit);
        Assert.Equal($"tmel: '{big}' is 67108865 bytes, more than the maximum image size of 67108864 bytes; --max-image-size raises it.", error.Trim());
    }

    [Fact]
    public async Task Verify_MaxImageSize_BoundsTheFileBothWays()
    {
        string keys = await CreateKeysAsync();
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);
        long length = new FileInfo(signed).Length;

        (int smallExit, _, string smallError) = await RunAsync("image", "verify", signed, "--keys", keys, "--max-image-size", (length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (int exactExit, string exactOutput, _) = await RunAsync("image", "verify", signed, "--keys", keys, "--max-image-size", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (int suffixExit, _, _) = await RunAsync("image", "verify", signed, "--keys", keys, "--max-image-size", "1M");

        Assert.Equal(1, smallExit);
        Assert.Contains("more than the maximum image size", smallError, StringComparison.Ordinal);
        Assert.Equal(0, exactExit);
        Assert.StartsWith("verified:", exactOutput, StringComparison.Ordinal);
        Assert.Equal(0, suffixExit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2G")]
    [InlineData("lots")]
    public async Task Verify_MaxImageSizeOutOfRange_UsageError(string size)
    {
        (int exit, _, string error) = await RunAsync("image", "verify", TinyElf, "--keys", _dir, "--max-image-size", size);

        Assert.NotEqual(0, exit);
        Assert.Contains("is not a size from 1 byte", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_ExistingIdentity_RefusedWithoutForce_ReplacedWithForce()
    {
        string keys = await CreateKeysAsync();
        string hash = Path.Combine(keys, "oem_pk_hash.hex");
        string first = await File.ReadAllTextAsync(hash, Ct);

        (int refusedExit, _, string refusedError) = await RunAsync("image", "keys", "--out", keys);
        string afterRefusal = await File.ReadAllTextAsync(hash, Ct);
        (int forcedExit, _, _) = await RunAsync("image", "keys", "--out", keys, "--force");
        string afterForce = await File.ReadAllTextAsync(hash, Ct);

        Assert.Equal(1, refusedExit);
        Assert.Contains("already holds a signing identity", refusedError, StringComparison.Ordinal);
        Assert.Contains("--force", refusedError, StringComparison.Ordinal);
        Assert.Equal(first, afterRefusal);
        Assert.Equal(0, forcedExit);
        Assert.NotEqual(first, afterForce);
        Assert.Equal(["ca.pem", "oem_pk_hash.hex", "root.pem", "signer.key", "signer.pem"], FileNames(keys));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Keys_SymlinkPlantedAtTheKeyName_NeverWrittenThrough(bool force)
    {
        string keys = Path.Combine(_dir, "keys");
        Directory.CreateDirectory(keys);
        string victim = Path.Combine(_dir, "victim");
        await File.WriteAllTextAsync(victim, "precious", Ct);
        File.CreateSymbolicLink(Path.Combine(keys, "signer.key"), victim);

        (int exit, _, string error) = force
            ? await RunAsync("image", "keys", "--out", keys, "--force")
            : await RunAsync("image", "keys", "--out", keys);

        Assert.Equal("precious", await File.ReadAllTextAsync(victim, Ct));
        var key = new FileInfo(Path.Combine(keys, "signer.key"));
        if (force)
        {
            Assert.True(exit == 0, error);
            Assert.Null(key.LinkTarget);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(key.FullName, Ct), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, key.UnixFileMode);
            }
        }
        else
        {
            Assert.Equal(1, exit);
            Assert.Contains("signer.key", error, StringComparison.Ordinal);
            Assert.NotNull(key.LinkTarget);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sign_OutIsTheInput_RefusedEvenWithForce_InputUnchanged(bool viaLink)
    {
        string keys = await CreateKeysAsync();
        string input = Path.Combine(_dir, "a.elf");
        File.Copy(TinyElf, input);
        string output = input;
        if (viaLink)
        {
            output = Path.Combine(_dir, "link.elf");
            File.CreateSymbolicLink(output, input);
        }

        (int exit, _, string error) = await RunAsync("image", "sign", input, "--keys", keys, "--out", output, "--force");

        Assert.Equal(1, exit);
        Assert.Contains("is the input file", error, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(TinyElf, Ct), await File.ReadAllBytesAsync(input, Ct));
    }

    [Fact]
    public async Task Sign_OutExists_RefusedWithoutForce_ReplacedWithForce_NoTemporaryLeft()
    {
        string keys = await CreateKeysAsync();
        string output = Path.Combine(_dir, "a.mbn");
        await File.WriteAllTextAsync(output, "old", Ct);

        (int refusedExit, _, string refusedError) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", output);
        string afterRefusal = await File.ReadAllTextAsync(output, Ct);
        (int forcedExit, _, string forcedError) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", output, "--force");
        (int verifyExit, _, _) = await RunAsync("image", "verify", output, "--keys", keys);

        Assert.Equal(1, refusedExit);
        Assert.Contains("exists; pass --force", refusedError, StringComparison.Ordinal);
        Assert.Equal("old", afterRefusal);
        Assert.True(forcedExit == 0, forcedError);
        Assert.Equal(0, verifyExit);
        Assert.Equal(["a.mbn", "keys"], FileNames(_dir));
    }

    [Fact]
    public async Task Sign_OutInAMissingDirectory_OneErrorLineNamingTheOutput()
    {
        string keys = await CreateKeysAsync();
        string output = Path.Combine(_dir, "missing", "a.mbn");

        (int exit, _, string error) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", output);

        Assert.Equal(1, exit);
        Assert.StartsWith($"tmel: '{output}' cannot be written: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Sign_OutIsALinkToAnotherFile_WithForce_ReplacesTheLinkNotItsTarget()
    {
        string keys = await CreateKeysAsync();
        string victim = Path.Combine(_dir, "victim");
        await File.WriteAllTextAsync(victim, "precious", Ct);
        string output = Path.Combine(_dir, "a.mbn");
        File.CreateSymbolicLink(output, victim);

        (int exit, _, string error) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", output, "--force");

        Assert.True(exit == 0, error);
        Assert.Equal("precious", await File.ReadAllTextAsync(victim, Ct));
        Assert.Null(new FileInfo(output).LinkTarget);
    }

    [Fact]
    public async Task VerifyAndAuth_KeysWithoutSignerKey_UseTheCertificatesAndTheFuseValue()
    {
        string keys = await CreateKeysAsync();
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);
        File.Delete(Path.Combine(keys, "signer.key"));

        (int verifyExit, string verifyOutput, string verifyError) = await RunAsync("image", "verify", signed, "--keys", keys);
        (int authExit, string authOutput, string authError) = await RunAsync("image", "auth", signed, "--keys", keys);
        (int signExit, _, string signError) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", Path.Combine(_dir, "again.mbn"));

        Assert.True(verifyExit == 0, verifyError);
        Assert.StartsWith("verified: sw_id 0xD", verifyOutput, StringComparison.Ordinal);
        Assert.True(authExit == 0, authError);
        Assert.Contains("authenticated: sw_id 0xD", authOutput, StringComparison.Ordinal);
        Assert.Equal(1, signExit);
        Assert.Contains("signer.key", signError, StringComparison.Ordinal);
    }

    private static string[] FileNames(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static void CreateSparse(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(length);
    }

    private static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>
    /// Awaits a command that reads a FIFO. If the open blocks (the bug), the command never finishes; the guard then opens the
    /// FIFO for writing, which releases the blocked reader, and fails the test instead of hanging the run.
    /// </summary>
    private static async Task<T> GuardAgainstBlockedOpen<T>(Task<T> run, string fifo)
    {
        try
        {
            return await run.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        }
        catch (TimeoutException)
        {
            using (File.OpenHandle(fifo, FileMode.Open, FileAccess.Write))
            {
            }

            throw new Xunit.Sdk.XunitException("The command blocked opening a FIFO.");
        }
    }

    private async Task<string> CreateKeysAsync()
    {
        string keys = Path.Combine(_dir, "keys");
        (int exit, _, string error) = await RunAsync("image", "keys", "--out", keys);
        Assert.True(exit == 0, error);
        return keys;
    }

    private Task<(int Exit, string Output, string Error)> RunImageAsync(string command, string image, string keys) => command switch
    {
        "sign" => RunAsync("image", "sign", image, "--keys", keys, "--out", Path.Combine(_dir, "never.mbn")),
        _ => RunAsync("image", command, image, "--keys", keys),
    };

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }
}
