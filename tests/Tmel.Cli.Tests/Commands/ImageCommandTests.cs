namespace Tmel.Cli.Tests.Commands;

public sealed class ImageCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tmel-image-").FullName;

    private static string TinyElf => Path.Combine(AppContext.BaseDirectory, "TestData", "tiny-x86_64.elf");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KeysSignVerify_RealElf_VerifiesAndPrintsTheMeasurement()
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");

        (int keysExit, string keysOut, _) = await RunAsync("image", "keys", "--out", keys, "--sw-id", "0x0D", "--two-levels");
        (int signExit, string signOut, _) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);
        (int verifyExit, string verifyOut, string verifyErr) = await RunAsync("image", "verify", signed, "--keys", keys);

        Assert.Equal(0, keysExit);
        Assert.Contains("2-level", keysOut, StringComparison.Ordinal);
        Assert.Equal(96, File.ReadAllText(Path.Combine(keys, "oem_pk_hash.hex")).Trim().Length);
        Assert.False(File.Exists(Path.Combine(keys, "ca.pem")));
        Assert.Equal(0, signExit);
        Assert.Contains("sw_id 0xD", signOut, StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (verifyExit, verifyErr));
        Assert.StartsWith("verified: sw_id 0xD", verifyOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedSignatureOrOtherKeys_OneErrorLineWithStatusAndExtendedError()
    {
        (string keys, string others, string signed) = await SignWithOtherKeysBesideAsync();

        (int otherExit, _, string otherErr) = await RunAsync("image", "verify", signed, "--keys", others);

        Assert.Equal(1, otherExit);
        Assert.Contains("Generic (extended error 0x5)", otherErr, StringComparison.Ordinal);
        Assert.Single(otherErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Auth_ThroughTheWholeStack_AuthenticatesThenTearsDown_TamperedCopyRejectedWithItsStep()
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");
        string tampered = Path.Combine(_dir, "tampered.mbn");
        await RunAsync("image", "keys", "--out", keys);
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);
        byte[] bytes = await File.ReadAllBytesAsync(signed, Ct);
        bytes[^1] ^= 0x40; // the last byte of the last loaded segment
        await File.WriteAllBytesAsync(tampered, bytes, Ct);

        (int exit, string output, string error) = await RunAsync("image", "auth", signed, "--keys", keys);
        (int badExit, _, string badError) = await RunAsync("image", "auth", tampered, "--keys", keys);

        Assert.True(exit == 0, error);
        Assert.Contains("authenticated: sw_id 0xD, entry 0x", output, StringComparison.Ordinal);
        Assert.Contains("torn down: sw_id 0xD", output, StringComparison.Ordinal);
        Assert.Equal(1, badExit);
        Assert.Matches(@"^tmel: TME-L rejected the image at step 'segment hash': Generic \(extended error 0xA0\d\): phdr\[\d\]'s bytes do not match hash entry \d", badError);
        Assert.Single(badError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Auth_KeysTheFusesDoNotTrust_OneErrorLineWithTheStepAndReason_AsVerifyPrintsThem()
    {
        (string keys, string others, string signed) = await SignWithOtherKeysBesideAsync();

        (int verifyExit, _, string verifyError) = await RunAsync("image", "verify", signed, "--keys", others);
        (int authExit, string authOutput, string authError) = await RunAsync("image", "auth", signed, "--keys", others);

        Assert.Equal((1, 1, string.Empty), (verifyExit, authExit, authOutput));
        Assert.Equal("tmel: rejected at step 'root of trust': Generic (extended error 0x5): the chain's root certificate does not hash to OEM_PK_HASH", verifyError.Trim());
        Assert.Equal(verifyError.Replace("tmel: rejected", "tmel: TME-L rejected the image", StringComparison.Ordinal), authError);
    }

    [Fact]
    public async Task Auth_OtherSoftwareId_NamesTheSoftwareIdStep()
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "keys", "--out", keys);
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);

        (int exit, _, string error) = await RunAsync("image", "auth", signed, "--keys", keys, "--sw-id", "5");

        Assert.Equal(1, exit);
        Assert.StartsWith("tmel: TME-L rejected the image at step 'software id': Generic (extended error 0x3): ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00")]
    [InlineData("02:00:00")]
    [InlineData("notatime")]
    public async Task Auth_TimeoutOutOfRangeOrNotATime_OneLineNamingTheOptionAndTheRange_ExitCode2(string value)
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "keys", "--out", keys);
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);

        (int exit, string output, string error) = await RunAsync("image", "auth", signed, "--keys", keys, "--timeout", value);

        Assert.Equal((2, string.Empty), (exit, output));
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("tmel: --timeout: ", line, StringComparison.Ordinal);
        Assert.EndsWith("accepted from 00:00:00.001 to 01:00:00.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("image", "sign", "{dir}/missing.elf", "--keys", "{dir}/nokeys", "--out", "{dir}/x")]
    [InlineData("image", "verify", "{dir}/missing.mbn", "--keys", "{dir}/nokeys")]
    [InlineData("image", "keys")]
    [InlineData("image", "sign", "{dir}/x.elf", "--keys", "{dir}/k", "--out", "{dir}/y", "--sw-id", "zz")]
    public async Task BadArguments_NonZeroExit_ErrorWithoutStackTrace(params string[] args)
    {
        (int exit, _, string error) = await RunAsync([.. args.Select(a => a.Replace("{dir}", _dir, StringComparison.Ordinal))]);

        Assert.NotEqual(0, exit);
        Assert.NotEqual(string.Empty, error.Trim());
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_SwIdThatTheCertificateDoesNotCarry_RefusedBeforeWriting()
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "keys", "--out", keys, "--sw-id", "13");

        (int exit, _, string error) = await RunAsync("image", "sign", TinyElf, "--keys", keys, "--sw-id", "14", "--out", signed);

        Assert.Equal(1, exit);
        Assert.Contains("SW_ID 0xD", error, StringComparison.Ordinal);
        Assert.False(File.Exists(signed));
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Creates two identities, "keys" and "others", and signs the tiny ELF with "keys".</summary>
    private async Task<(string Keys, string Others, string Signed)> SignWithOtherKeysBesideAsync()
    {
        string keys = Path.Combine(_dir, "keys");
        string others = Path.Combine(_dir, "others");
        string signed = Path.Combine(_dir, "tiny.mbn");
        await RunAsync("image", "keys", "--out", keys);
        await RunAsync("image", "keys", "--out", others);
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);
        return (keys, others, signed);
    }
}
