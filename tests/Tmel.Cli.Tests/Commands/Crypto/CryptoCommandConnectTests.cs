using System.Security.Cryptography;
using System.Text.Json;
using Tmel.Cli.Commands;

namespace Tmel.Cli.Tests.Commands.Crypto;

/// <summary>
/// <c>tmel crypto --connect</c> across invocations: each command is its own host attached to one <c>tmel simulator</c> process,
/// whose keys outlive the invocations. The simulator is bounded (30 s to start, SIGTERM then kill at the end) and its directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class CryptoCommandConnectTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tmel-crypto-connect-").FullName;
    private SimulatorProcess? _simulator;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Simulator => Path.Combine(_directory, "sim");

    public async ValueTask InitializeAsync() =>
        _simulator = await SimulatorProcess.StartAsync(["--dir", Simulator], TimeSpan.FromSeconds(30), TimeProvider.System, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task GenerateSignPublicKey_InSeparateInvocations_GiveADerSignatureAndPemKeyThatVerifyOutside()
    {
        string message = await WriteAsync("message", "signed in one invocation, verified in another"u8.ToArray());
        string signature = Path.Combine(_directory, "sig.der");
        string pem = Path.Combine(_directory, "pub.pem");

        uint key = await MakeKeyAsync("generate", "--type", "ecc-p256");
        await OkAsync("sign", "--key", $"{key}", "--in", message, "--out", signature);
        await OkAsync("public-key", "--key", $"{key}", "--out", pem);

        // What OpenSSL reads: a PEM SubjectPublicKeyInfo and a DER ECDSA-Sig-Value ('openssl dgst -sha256 -verify pub.pem -signature sig.der').
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(await File.ReadAllTextAsync(pem, Ct));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(pem, Ct), StringComparison.Ordinal);
        Assert.True(publicKey.VerifyData(await File.ReadAllBytesAsync(message, Ct), await File.ReadAllBytesAsync(signature, Ct), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        // And TME-L agrees, with the PEM or with the handle; another message does not verify (exit 1).
        await OkAsync("verify", "--pub", pem, "--in", message, "--sig", signature);
        await OkAsync("verify", "--key", $"{key}", "--in", message, "--sig", signature);
        (int invalid, string output, _) = await CryptoCommandTests.RunAsync("crypto", "verify", "--key", $"{key}", "--in-hex", "00", "--sig", signature, "--connect", Simulator, "--json");
        Assert.Equal(1, invalid);
        Assert.False(JsonDocument.Parse(output).RootElement.GetProperty("valid").GetBoolean());

        // list shows the key; after clear it is gone, and signing with it is refused.
        Assert.Contains($"key {key}: ecc-p256 sign,verify", await OkAsync("list"), StringComparison.Ordinal);
        await OkAsync("clear", "--key", $"{key}");
        Assert.Equal("no keys", (await OkAsync("list")).Trim());
        (int refused, _, string error) = await CryptoCommandTests.RunAsync("crypto", "sign", "--key", $"{key}", "--in", message, "--connect", Simulator);
        Assert.Equal(2, refused);
        Assert.Contains($"TME-L holds no P-256 or P-384 key {key}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptWrapUnwrapDecrypt_AcrossInvocations_RoundTripsTheDocumentedLayout()
    {
        byte[] plain = RandomNumberGenerator.GetBytes(1000);
        string input = await WriteAsync("plain", plain);
        string sealedPath = Path.Combine(_directory, "sealed");
        string opened = Path.Combine(_directory, "opened");
        string blob = Path.Combine(_directory, "blob");

        uint aes = await MakeKeyAsync("generate", "--type", "aes-256", "--alg", "aes-gcm");
        uint kwk = await MakeKeyAsync("generate", "--type", "aes-256", "--usage", "wrap");
        await OkAsync("encrypt", "--key", $"{aes}", "--in", input, "--out", sealedPath, "--aad", "0102");
        byte[] layout = await File.ReadAllBytesAsync(sealedPath, Ct);
        Assert.Equal(12 + plain.Length + 16, layout.Length); // IV || ciphertext || tag

        await OkAsync("wrap", "--key", $"{aes}", "--wrapping-key", $"{kwk}", "--out", blob);
        uint unwrapped = await MakeKeyAsync("unwrap", "--wrapping-key", $"{kwk}", "--in", blob);
        await OkAsync("decrypt", "--key", $"{unwrapped}", "--in", sealedPath, "--out", opened, "--aad", "0102", "--alg", "aes-gcm");

        Assert.NotEqual(aes, unwrapped);
        Assert.Equal(plain, await File.ReadAllBytesAsync(opened, Ct));

        // A volatile key has no KWK_STORAGE bit: the storage-class wrapping key may not wrap it.
        uint volatileKey = await MakeKeyAsync("generate", "--type", "aes-128", "--volatile");
        (int refused, _, string error) = await CryptoCommandTests.RunAsync("crypto", "wrap", "--key", $"{volatileKey}", "--wrapping-key", $"{kwk}", "--connect", Simulator);
        Assert.Equal(1, refused);
        Assert.Contains("TME_STATUS_INVALID_INPUT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMacEcdhDerive_AcrossInvocations_MatchKnownAnswersAndDotNet()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        uint hmac = await MakeKeyAsync("import", "--type", "hmac", "--in-hex", "4a656665");
        string mac = await OkAsync("mac", "--key", $"{hmac}", "--in-hex", Convert.ToHexString("what do ya want for nothing?"u8));
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", mac.Trim());

        // ECDH with a .NET peer: the shared-secret key (AES-256-GCM) decrypts in .NET under the raw x-coordinate.
        uint ecdh = await MakeKeyAsync("generate", "--type", "ecc-p256", "--usage", "derive");
        string tmePem = Path.Combine(_directory, "tme.pem");
        await OkAsync("public-key", "--key", $"{ecdh}", "--out", tmePem);
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        string peerPem = await WriteAsync("peer.pem", System.Text.Encoding.ASCII.GetBytes(peer.ExportSubjectPublicKeyInfoPem()));
        uint shared = await MakeKeyAsync("ecdh", "--key", $"{ecdh}", "--peer", peerPem);
        string sealedHex = (await OkAsync("encrypt", "--key", $"{shared}", "--in-hex", "48656c6c6f")).Trim();

        using var tme = ECDiffieHellman.Create();
        tme.ImportFromPem(await File.ReadAllTextAsync(tmePem, Ct));
        byte[] secret = peer.DeriveRawSecretAgreement(tme.PublicKey);
        byte[] layout = Convert.FromHexString(sealedHex);
        byte[] plain = new byte[layout.Length - 28];
        using var gcm = new AesGcm(secret, 16);
        gcm.Decrypt(layout.AsSpan(0, 12), layout.AsSpan(12, plain.Length), layout.AsSpan(^16), plain);
        Assert.Equal("Hello"u8.ToArray(), plain);

        // A key derived twice from the same derivation key and context is the same key.
        uint kdk = await MakeKeyAsync("import", "--type", "aes-256", "--usage", "derive", "--in-hex", Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        uint first = await MakeKeyAsync("derive", "--key", $"{kdk}", "--type", "aes-256", "--context", "0a0b", "--label", "01");
        uint second = await MakeKeyAsync("derive", "--key", $"{kdk}", "--type", "aes-256", "--context", "0a0b", "--label", "01");
        string again = (await OkAsync("encrypt", "--key", $"{first}", "--in-hex", "00112233")).Trim();
        Assert.Equal("00112233", (await OkAsync("decrypt", "--key", $"{second}", "--in-hex", again)).Trim());
    }

    private async Task<string> WriteAsync(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        await File.WriteAllBytesAsync(path, bytes, Ct);
        return path;
    }

    private async Task<uint> MakeKeyAsync(params string[] args)
    {
        (int exitCode, string output, string error) = await CryptoCommandTests.RunAsync(["crypto", .. args, "--connect", Simulator, "--json"]);
        Assert.True(exitCode == 0, $"{string.Join(' ', args)}: {error}");
        return JsonDocument.Parse(output).RootElement.GetProperty("handle").GetUInt32();
    }

    private async Task<string> OkAsync(params string[] args)
    {
        (int exitCode, string output, string error) = await CryptoCommandTests.RunAsync(["crypto", .. args, "--connect", Simulator]);
        Assert.True(exitCode == 0, $"{string.Join(' ', args)}: {error}");
        return output;
    }
}
