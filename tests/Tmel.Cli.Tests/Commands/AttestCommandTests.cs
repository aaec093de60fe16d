using System.Text.Json;

namespace Tmel.Cli.Tests.Commands;

/// <summary><c>tmel attest</c> through the whole stack and <c>tmel attest verify</c> offline.</summary>
public sealed class AttestCommandTests : IDisposable
{
    private static readonly string s_nonce = string.Concat(Enumerable.Repeat("ab", 48));
    private readonly string _dir = Directory.CreateTempSubdirectory("tmel-attest-").FullName;

    private static string TinyElf => Path.Combine(AppContext.BaseDirectory, "TestData", "tiny-x86_64.elf");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Attest_WithAnImage_ThenVerify_PrintsTheClaimsAsJson_MeasuringTheImage()
    {
        string keys = Path.Combine(_dir, "keys");
        string signed = Path.Combine(_dir, "tiny.mbn");
        string token = Path.Combine(_dir, "token.cbor");
        string key = Path.Combine(_dir, "iak.pem");
        await RunAsync("image", "keys", "--out", keys);
        await RunAsync("image", "sign", TinyElf, "--keys", keys, "--out", signed);

        (int attestExit, string attestOut, string attestErr) = await RunAsync("attest", "--nonce", s_nonce, "--out", token, "--key-out", key, "--image", signed, "--keys", keys);
        (int verifyExit, string verifyOut, string verifyErr) = await RunAsync("attest", "verify", token, "--key", key, "--nonce", s_nonce);

        Assert.True(attestExit == 0, attestErr);
        Assert.Contains("component SW_ID_0x0000000D", attestOut, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(key, Ct), StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (verifyExit, verifyErr));
        using JsonDocument claims = JsonDocument.Parse(verifyOut);
        Assert.Equal(s_nonce, claims.RootElement.GetProperty("nonce").GetString());
        Assert.Equal("tag:psacertified.org,2023:psa#tfm", claims.RootElement.GetProperty("profile").GetString());
        JsonElement component = Assert.Single(claims.RootElement.GetProperty("softwareComponents").EnumerateArray());
        Assert.Equal("SW_ID_0x0000000D", component.GetProperty("measurementType").GetString());
        Assert.Equal(96, component.GetProperty("measurementValue").GetString()!.Length);
    }

    [Fact]
    public async Task Verify_OtherNonce_OrOtherKey_IsRejectedWithTheReason()
    {
        string token = Path.Combine(_dir, "token.cbor");
        string key = Path.Combine(_dir, "iak.pem");
        string otherKey = Path.Combine(_dir, "other.pem");
        await RunAsync("attest", "--nonce", s_nonce, "--out", token, "--key-out", key);
        await RunAsync("attest", "--nonce", s_nonce, "--out", Path.Combine(_dir, "other.cbor"), "--key-out", otherKey);   // another simulator, another device key

        (int nonceExit, _, string nonceErr) = await RunAsync("attest", "verify", token, "--key", key, "--nonce", string.Concat(Enumerable.Repeat("cd", 32)));
        (int keyExit, _, string keyErr) = await RunAsync("attest", "verify", token, "--key", otherKey, "--nonce", s_nonce);

        Assert.Equal(1, nonceExit);
        Assert.Contains("(WrongNonce)", nonceErr, StringComparison.Ordinal);
        Assert.Equal(1, keyExit);
        Assert.Contains("(WrongKey)", keyErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcd")]
    [InlineData("not-hex")]
    public async Task Attest_BadNonce_IsAUsageError(string nonce)
    {
        (int exit, _, string error) = await RunAsync("attest", "--nonce", nonce, "--out", Path.Combine(_dir, "t"), "--key-out", Path.Combine(_dir, "k"));

        Assert.Equal(2, exit);
        Assert.Contains("--nonce", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_StateJson_FusesAndArb_RunThroughTheStack()
    {
        (int stateExit, string state, string stateErr) = await RunAsync("device", "state", "--json");
        (int fusesExit, string fuses, _) = await RunAsync("device", "fuses");
        (int arbExit, string arb, _) = await RunAsync("device", "arb", "--sw-id", "0xD", "--json");

        Assert.True(stateExit == 0, stateErr);
        using JsonDocument json = JsonDocument.Parse(state);
        Assert.Equal(3, json.RootElement.GetProperty("state").GetInt32());
        Assert.Equal(0, fusesExit);
        Assert.Contains("0x000A00E0  0x0000000000000082", fuses, StringComparison.Ordinal);           // blank fuses: secure boot bits only
        Assert.Equal(0, arbExit);
        using JsonDocument arbJson = JsonDocument.Parse(arb);
        Assert.False(arbJson.RootElement.GetProperty("oemIsValid").GetBoolean());
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }
}
