using System.CommandLine;
using System.Security.Cryptography;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel attest</c>: a token through the whole stack; <c>tmel attest verify</c>: check one offline and print its claims as JSON.</summary>
internal static class AttestCommand
{
    public static Command Create()
    {
        var nonce = NonceOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the token (COSE_Sign1, CBOR).", Required = true };
        var keyOut = new Option<FileInfo>("--key-out") { Description = "Where to write the attestation public key (PEM).", Required = true };
        var image = new Option<FileInfo?>("--image") { Description = "A signed image to authenticate first, so that the token measures it (needs --keys)." };
        var keys = new Option<DirectoryInfo?>("--keys") { Description = "The directory 'tmel image keys' wrote; the simulated device's fuses trust it." };
        var swId = new Option<uint?>("--sw-id") { Description = "The software id to authenticate --image as; the signer certificate's SW_ID when left out.", CustomParser = r => ImageCommand.ParseUInt32(r) };
        var timeout = TimeoutOption.Create("Give up after this long (for example 00:00:30).", TimeSpan.FromSeconds(30));
        var command = new Command("attest", "Get an attestation token over --nonce through the whole stack (host, rpmsg, QMP, the simulated TME-L's QWES service), with the attestation key.")
        {
            nonce, output, keyOut, image, keys, swId, timeout, CreateVerify(),
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(image) is null) != (result.GetValue(keys) is null))
            {
                result.AddError("--image and --keys go together.");
            }
        });
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            (TsimImage, uint, TsimFuses)? authenticate = null;
            if (parse.GetValue(image) is { } file && parse.GetValue(keys) is { } directory)
            {
                TsimImage parsed = TsimImage.Parse(await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false));
                using TsimSigningIdentity identity = TsimSigningIdentity.Load(directory.FullName);
                authenticate = (parsed, parse.GetValue(swId) ?? identity.GetSoftwareId(), identity.CreateFuses());
            }

            return await AttestRun.RunAsync(parse.GetValue(nonce)!, parse.GetValue(output)!, parse.GetValue(keyOut)!, authenticate, parse.GetValue(timeout), parse.InvocationConfiguration, ct).ConfigureAwait(false);
        }, ct));
        return command;
    }

    private static Command CreateVerify()
    {
        var token = new Argument<FileInfo>("token") { Description = "The token 'tmel attest' wrote." };
        var key = new Option<FileInfo>("--key") { Description = "The attestation public key (PEM, as --key-out wrote it) or its certificate (PEM).", Required = true };
        var nonce = NonceOption();
        var command = new Command("verify", "Verify a token offline: its ES384 signature with --key, its nonce, its claims; print the claims as JSON.")
        {
            token, key, nonce,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            byte[] bytes = await File.ReadAllBytesAsync(parse.GetValue(token)!.FullName, ct).ConfigureAwait(false);
            string pem = await File.ReadAllTextAsync(parse.GetValue(key)!.FullName, ct).ConfigureAwait(false);
            using var publicKey = ECDsa.Create();
            if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
                publicKey.ImportSubjectPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo(), out _);
            }
            else
            {
                publicKey.ImportFromPem(pem);
            }

            try
            {
                AttestationClaims claims = AttestationTokenVerifier.Verify(bytes, publicKey, parse.GetValue(nonce)!);
                await parse.InvocationConfiguration.Output.WriteLineAsync(AttestationClaimsJson.ToJson(claims).ToJsonString(new System.Text.Json.JsonSerializerOptions(CliJson.Lines) { WriteIndented = true })).ConfigureAwait(false);
                return 0;
            }
            catch (AttestationVerificationException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"tmel: the token was rejected ({ex.Failure}): {ex.Message}").ConfigureAwait(false);
                return CliErrors.Failed;
            }
        }, ct));
        return command;
    }

    private static Option<byte[]> NonceOption() =>
        new("--nonce") { Description = "The challenge as hex: 32, 48 or 64 bytes.", Required = true, CustomParser = HexOption.ParseNonce };
}
