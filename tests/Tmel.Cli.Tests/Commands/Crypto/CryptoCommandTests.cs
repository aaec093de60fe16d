using System.Text.Json;

namespace Tmel.Cli.Tests.Commands.Crypto;

/// <summary><c>tmel crypto</c> in one invocation against the in-process simulator: known answers, --json, usage errors, refusals.</summary>
[Collection(DemoCollection.Name)]
public sealed class CryptoCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tmel-crypto-tests-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Digest_Abc_IsTheFips180Vector_AsOneJsonObject()
    {
        (int exitCode, string output, string error) = await RunAsync("crypto", "digest", "--in-hex", "616263", "--json");

        Assert.True(exitCode == 0, error);
        JsonElement json = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", json.GetProperty("hex").GetString());
        Assert.Equal("sha-256", json.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task Digest_Sha384OfAFile_WritesTheFips180VectorToOut()
    {
        string input = Path.Combine(_directory, "abc");
        string output = Path.Combine(_directory, "digest");
        await File.WriteAllTextAsync(input, "abc", Ct);

        (int exitCode, _, string error) = await RunAsync("crypto", "digest", "--in", input, "--alg", "sha-384", "--out", output);

        Assert.True(exitCode == 0, error);
        Assert.Equal("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Convert.ToHexStringLower(await File.ReadAllBytesAsync(output, Ct)));
    }

    [Fact]
    public async Task Random_32Bytes_PrintsSixtyFourHexDigits()
    {
        (int exitCode, string output, string error) = await RunAsync("crypto", "random", "--count", "32");

        Assert.True(exitCode == 0, error);
        Assert.Equal(32, Convert.FromHexString(Assert.Single(Lines(output))).Length);
    }

    [Fact]
    public async Task Mac_UnknownKey_IsRefusedWithTheStatusName_ExitOne()
    {
        (int exitCode, _, string error) = await RunAsync("crypto", "mac", "--key", "7", "--in-hex", "00");

        Assert.Equal(1, exitCode);
        Assert.Contains("TME_STATUS_INVALID_INPUT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_EcdsaP256_Json_GivesTheHandleAndTheBuilderPolicy()
    {
        (int exitCode, string output, string error) = await RunAsync("crypto", "generate", "--type", "ecc-p256", "--json");

        Assert.True(exitCode == 0, error);
        JsonElement json = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal(1, json.GetProperty("handle").GetInt32());
        Assert.Equal(["sign", "verify"], json.GetProperty("usage").EnumerateArray().Select(u => u.GetString()));
        Assert.True(json.GetProperty("persistent").GetBoolean());
        Assert.Equal("0x0C200421", json.GetProperty("policyLow").GetString());
        Assert.Equal("0x00084044", json.GetProperty("policyHigh").GetString());
    }

    [Fact]
    public async Task Generate_WithState_RecordsPersistentKeysInTheIndex_NotVolatileOnes()
    {
        (int first, _, string error) = await RunAsync("crypto", "generate", "--type", "aes-256", "--state", _directory);
        (int second, _, _) = await RunAsync("crypto", "generate", "--type", "hmac", "--volatile", "--state", _directory);
        (int list, string output, _) = await RunAsync("crypto", "list", "--state", _directory, "--json");

        Assert.True((first, second, list) == (0, 0, 0), error);
        JsonElement key = Assert.Single(JsonDocument.Parse(output).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(("aes-256", "aes-gcm", true), (key.GetProperty("type").GetString(), key.GetProperty("alg").GetString(), key.GetProperty("persistent").GetBoolean()));
        Assert.True(File.Exists(Path.Combine(_directory, "tmel-crypto-keys.json")));
    }

    [Fact]
    public async Task Wrap_KeysThatDoNotExist_IsRefusedWithTheStatusName_ExitOne()
    {
        (int exitCode, string output, string error) = await RunAsync("crypto", "wrap", "--key", "1", "--wrapping-key", "2");

        Assert.Equal((1, string.Empty), (exitCode, output));
        Assert.StartsWith("tmel: 0x0705 (KM WRAP) failed", error, StringComparison.Ordinal);
        Assert.Contains("TME_STATUS_INVALID_INPUT", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "random", "--count", "0" }, "--count: 0 is outside 1..512")]
    [InlineData(new[] { "random", "--count", "513" }, "--count: 513 is outside 1..512")]
    [InlineData(new[] { "generate", "--type", "rsa-2048" }, "--type: 'rsa-2048' is not one of")]
    [InlineData(new[] { "generate", "--type", "aes-256", "--usage", "sign" }, "does not sign")]
    [InlineData(new[] { "generate", "--type", "ecc-p256", "--usage", "sign,derive" }, "not both")]
    [InlineData(new[] { "generate", "--type", "ecc-p256", "--usage", "fly" }, "--usage: 'fly' is not a usage")]
    [InlineData(new[] { "generate", "--type", "ecc-p256", "--alg", "aes-gcm" }, "--alg: an ECC key's algorithm follows from --usage")]
    [InlineData(new[] { "generate", "--type", "aes-128", "--alg", "sha-256" }, "--alg: 'sha-256' is no AES mode")]
    [InlineData(new[] { "sign", "--key", "0", "--in-hex", "00" }, "--key: 0 is no key handle")]
    [InlineData(new[] { "sign", "--key", "256", "--in-hex", "00" }, "--key: 256 is no key handle")]
    [InlineData(new[] { "digest", "--in-hex", "zz" }, "--in-hex: 'zz' is not hex")]
    [InlineData(new[] { "digest" }, "give exactly one of --in FILE and --in-hex HEX")]
    [InlineData(new[] { "digest", "--in", "/nonexistent/tmel-input" }, "--in /nonexistent/tmel-input")]
    [InlineData(new[] { "verify", "--in-hex", "00", "--sig-hex", "00" }, "give exactly one of --key HANDLE and --pub FILE")]
    [InlineData(new[] { "decrypt", "--key", "1", "--in-hex", "00" }, "aes-gcm needs IV (12) || ciphertext (at least 1) || tag (16)")]
    [InlineData(new[] { "list" }, "list needs --state DIR or --connect DIR")]
    [InlineData(new[] { "random", "--state", "/tmp/a", "--connect", "/tmp/b" }, "--state and --connect exclude each other")]
    [InlineData(new[] { "random", "--connect", "/nonexistent/tmel-sim" }, "--connect /nonexistent/tmel-sim: no such directory")]
    public async Task BadInput_IsOneUsageErrorNamingIt_ExitTwo(string[] args, string message)
    {
        (int exitCode, string output, string error) = await RunAsync(["crypto", .. args]);

        Assert.Equal((2, string.Empty), (exitCode, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypt_KeyOfAnEarlierInProcessInvocation_IsGone_WithoutASimulatorProcess()
    {
        // A fresh in-process simulator per invocation: key 1 exists only while 'generate' runs; 'encrypt' of key 1 is refused.
        (int generate, _, _) = await RunAsync("crypto", "generate", "--type", "aes-256");
        (int encrypt, _, string error) = await RunAsync("crypto", "encrypt", "--key", "1", "--in-hex", "00");

        Assert.Equal((0, 1), (generate, encrypt));
        Assert.Contains("(HCS AES_ENCRYPT) failed: TME_STATUS_INVALID_INPUT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEverySubcommand()
    {
        (int exitCode, string output, _) = await RunAsync("crypto", "--help");

        Assert.Equal(0, exitCode);
        foreach (string name in (string[])["generate", "import", "derive", "list", "clear", "public-key", "sign", "verify", "encrypt", "decrypt", "mac", "digest", "ecdh", "random", "wrap", "unwrap", "bench"])
        {
            Assert.Contains($"  {name}", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bench_Tiny_ReportsBothFiguresWithStackDirectAndRatio()
    {
        (int exitCode, string output, string error) = await RunAsync("crypto", "bench", "--batches", "2", "--batch-time", "00:00:00.005", "--json");

        Assert.True(exitCode == 0, error);
        JsonElement json = JsonDocument.Parse(Assert.Single(Lines(output))).RootElement;
        Assert.Equal("in-memory", json.GetProperty("transport").GetString());
        JsonElement[] figures = [.. json.GetProperty("figures").EnumerateArray()];
        Assert.Equal(["sign ECDSA P-256 SHA-256 64 B", "encrypt AES-256-GCM 1 KiB"], figures.Select(f => f.GetProperty("operation").GetString()));
        Assert.All(figures, f =>
        {
            Assert.Equal(2, f.GetProperty("batches").GetInt32());
            Assert.True(f.GetProperty("stackOpsPerSecond").GetDouble() > 0);
            Assert.True(f.GetProperty("directOpsPerSecond").GetDouble() > 0);
            double ratio = f.GetProperty("ratio").GetDouble();
            Assert.InRange(ratio, f.GetProperty("ratioMin").GetDouble(), f.GetProperty("ratioMax").GetDouble());
        });
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    internal static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
