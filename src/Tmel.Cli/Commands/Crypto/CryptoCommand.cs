using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>
/// <c>tmel crypto</c>: TME-L's key management and host crypto services through the whole stack, one subcommand per
/// operation (docs/crypto-cli.md). This file: the command tree and the subcommands that make or remove keys.
/// </summary>
internal static partial class CryptoCommand
{
    public const string Name = "crypto";

    public static Command Create() =>
        new(Name, "Key management and host crypto through the whole stack (host, rpmsg, QMP, the simulated TME-L's KM and HCS services); keys persist with --state or in a --connect simulator.")
        {
            Generate(), Import(), Derive(), List(), Clear(), PublicKey(), Sign(), Verify(), Encrypt(), Decrypt(), Mac(), Digest(), Ecdh(), Random(), Wrap(), Unwrap(),
            CryptoBenchCommand.Create(),
        };

    /// <summary>One subcommand: the common options, its own, and its work, printed as text or one JSON object.</summary>
    private static Command Define(string name, string description, Option[] options, Func<ParseResult, CryptoSession, Task<(string Text, JsonNode Json, int Exit)>> run)
    {
        var common = new CryptoOptions.Common();
        var command = new Command(name, description);
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }

        common.AddTo(command);
        command.SetAction((parse, ct) => CliErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            CryptoSession session = await CryptoSession.OpenAsync(common.Target(parse), ct).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                (string text, JsonNode json, int exit) = await run(parse, session).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(common.Json) ? json.ToJsonString(CliJson.Lines) : text).ConfigureAwait(false);
                return exit;
            }
        }, ct));
        return command;
    }

    private static Command Generate()
    {
        Option<string> type = CryptoOptions.Type(required: true);
        Option<string?> usage = CryptoOptions.Usage();
        Option<string?> alg = CryptoOptions.Algorithm("The algorithm: aes-gcm|aes-cbc|aes-ecb for AES keys (default aes-gcm), sha-256|sha-384|sha-512 for hmac keys (default sha-256).");
        Option<bool> vol = CryptoOptions.Volatile();
        return Define("generate", "KM_GENERATE: TME-L makes a key; prints its handle.", [type, usage, alg, vol], async (parse, s) =>
        {
            TmeKeyPolicyBuilder policy = PolicyOf(parse, type, usage, alg, vol);
            TmeKeyHandle handle = await s.Client.GenerateKeyAsync(policy, s.Token).ConfigureAwait(false);
            return Made(s, handle, parse.GetValue(type), policy);
        });
    }

    private static Command Import()
    {
        Option<string> type = CryptoOptions.Type(required: true);
        Option<string?> usage = CryptoOptions.Usage();
        Option<string?> alg = CryptoOptions.Algorithm("The algorithm, as for generate.");
        Option<bool> vol = CryptoOptions.Volatile();
        Option<FileInfo?> input = CryptoOptions.In(what: "the key: raw bytes (an ECC key's private scalar, big-endian) or a PEM EC private key");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the key's raw bytes");
        return Define("import", "KM_IMPORT: hand TME-L a plaintext key; prints its handle.", [type, usage, alg, vol, input, hex], async (parse, s) =>
        {
            TmeKeyPolicyBuilder policy = PolicyOf(parse, type, usage, alg, vol);
            byte[] key = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token, allowEmpty: false).ConfigureAwait(false);
            try
            {
                if (key.AsSpan().StartsWith("-----BEGIN"u8))
                {
                    byte[] scalar = PrivateScalarFromPem(key, policy.Curve, parse.GetValue(input)?.FullName ?? hex.Name);
                    CryptographicOperations.ZeroMemory(key);
                    key = scalar;
                }

                TmeKeyHandle handle = await s.Client.ImportKeyAsync(policy, key, s.Token).ConfigureAwait(false);
                return Made(s, handle, parse.GetValue(type), policy);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
    }

    private static Command Derive()
    {
        Option<uint> input = CryptoOptions.Key(description: "The input key: a derivation key's handle (--usage derive) or a fuse key id (9 CRBK, 12 OEM product seed).");
        Option<string> type = CryptoOptions.Type(required: true);
        Option<string?> usage = CryptoOptions.Usage();
        Option<string?> alg = CryptoOptions.Algorithm("The derived key's algorithm, as for generate.");
        Option<bool> vol = CryptoOptions.Volatile();
        Option<byte[]?> context = new("--context") { Description = "The KDF context as hex (sw_context, at most 128 bytes).", CustomParser = CryptoOptions.ParseHex };
        Option<byte[]?> label = new("--label") { Description = "The KDF label as hex (salt_label, at most 64 bytes).", CustomParser = CryptoOptions.ParseHex };
        return Define("derive", "KM_DERIVE: a new key from a key-derivation key (NIST SP 800-108, HMAC-SHA-256); prints its handle.", [input, type, usage, alg, vol, context, label], async (parse, s) =>
        {
            TmeKeyPolicyBuilder policy = PolicyOf(parse, type, usage, alg, vol);
            byte[] ctx = parse.GetValue(context) ?? [];
            byte[] lbl = parse.GetValue(label) ?? [];
            if (ctx.Length > TmeKdfSpec.MaxSoftwareContextLength || lbl.Length > TmeKdfSpec.MaxSaltLabelLength)
            {
                throw new TmelUsageException($"--context is at most {TmeKdfSpec.MaxSoftwareContextLength} bytes and --label at most {TmeKdfSpec.MaxSaltLabelLength}.");
            }

            TmeKeyHandle handle = await s.Client.DeriveKeyAsync(new TmeKeyHandle(parse.GetValue(input)), policy, ctx, lbl, s.Token).ConfigureAwait(false);
            return Made(s, handle, parse.GetValue(type), policy);
        });
    }

    private static Command Ecdh()
    {
        Option<uint> key = CryptoOptions.Key(description: "The own ECDH key's handle (an ECC key made with --usage derive).");
        Option<FileInfo> peer = new("--peer") { Description = "The peer's public key (PEM SubjectPublicKeyInfo, as 'public-key' or 'openssl pkey -pubout' writes it).", Required = true };
        Option<string> type = CryptoOptions.Type(required: false);
        Option<string?> usage = CryptoOptions.Usage();
        Option<string?> alg = CryptoOptions.Algorithm("The shared-secret key's algorithm, as for generate.");
        Option<bool> vol = CryptoOptions.Volatile();
        return Define("ecdh", "HCS_ECDH_SHARED_SECRET: agree a secret with --peer; it stays in TME-L as a new key (aes-256 for P-256, hmac sha-384 for P-384 unless --type says otherwise).", [key, peer, type, usage, alg, vol], async (parse, s) =>
        {
            (TmeCurve curve, _, _) = await CryptoKeys.ResolveEccAsync(s, parse.GetValue(key)).ConfigureAwait(false);
            string pem = await ReadPemAsync(parse.GetValue(peer)!, "--peer", s.Token).ConfigureAwait(false);
            using ECDiffieHellman peerKey = ECDiffieHellman.Create();
            try
            {
                peerKey.ImportFromPem(pem);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new TmelUsageException($"--peer: not a PEM EC public key ({ex.Message}).");
            }

            string secretType = parse.GetValue(type) ?? (curve == TmeCurve.P384 ? "hmac" : "aes-256");
            string? secretAlg = parse.GetValue(alg) ?? (secretType == "hmac" && curve == TmeCurve.P384 ? "sha-384" : null);
            TmeKeyPolicyBuilder policy = CryptoKeyWords.Policy(secretType, ParseUsages(parse, usage), secretAlg, !parse.GetValue(vol));
            using ECDiffieHellmanPublicKey peerPublic = peerKey.PublicKey;
            TmeKeyHandle handle = await s.Client.AgreeAsync(new TmeKeyHandle(parse.GetValue(key)), curve, peerPublic, policy.Build(), s.Token).ConfigureAwait(false);
            return Made(s, handle, secretType, policy);
        });
    }

    private static Command Unwrap()
    {
        Option<uint> wrapping = CryptoOptions.Key("--wrapping-key", "The key-wrapping key's handle (a key made with --usage wrap).");
        Option<FileInfo?> input = CryptoOptions.In(what: "the wrapped blob 'wrap' wrote");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the wrapped blob");
        return Define("unwrap", "KM_UNWRAP: bring a wrapped key back into TME-L, with the policy it was wrapped with; prints its handle.", [wrapping, input, hex], async (parse, s) =>
        {
            byte[] blob = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token, allowEmpty: false).ConfigureAwait(false);
            TmeKeyHandle handle = await s.Client.UnwrapKeyAsync(new TmeKeyHandle(parse.GetValue(wrapping)), blob, s.Token).ConfigureAwait(false);
            var entry = new CryptoKeyEntry(handle.Value, null, [], null, null, null);
            if (s.Index is not null && s.KeysOutliveProcess)
            {
                s.Index.Add(entry);
            }

            return (entry.ToText(), entry.ToJson(), 0);
        });
    }

    private static Command List()
    {
        return Define("list", "The keys tmel crypto made in the --state or --connect directory (TME-L has no request that lists keys; docs/crypto-cli.md).", [], (parse, s) =>
        {
            CryptoKeyIndex index = s.Index ?? throw new TmelUsageException("list needs --state DIR or --connect DIR: without one no key outlives its invocation.");
            CryptoKeyEntry[] entries = [.. index.Entries];
            string text = entries.Length == 0 ? "no keys" : string.Join(Environment.NewLine, entries.Select(e => e.ToText()));
            return Task.FromResult<(string, JsonNode, int)>((text, new JsonObject { ["keys"] = new JsonArray([.. entries.Select(e => (JsonNode)e.ToJson())]) }, 0));
        });
    }

    private static Command Clear()
    {
        Option<uint> key = CryptoOptions.Key();
        return Define("clear", "KM_CLEAR: delete a key.", [key], async (parse, s) =>
        {
            uint handle = parse.GetValue(key);
            await s.Client.ClearKeyAsync(new TmeKeyHandle(handle), s.Token).ConfigureAwait(false);
            s.Index?.Remove(handle);
            return ($"key {handle} cleared", new JsonObject { ["handle"] = handle, ["cleared"] = true }, 0);
        });
    }

    private static TmeKeyPolicyBuilder PolicyOf(ParseResult parse, Option<string> type, Option<string?> usage, Option<string?> alg, Option<bool> vol) =>
        CryptoKeyWords.Policy(parse.GetValue(type)!, ParseUsages(parse, usage), parse.GetValue(alg), !parse.GetValue(vol));

    private static TmeKeyUsages? ParseUsages(ParseResult parse, Option<string?> usage) => parse.GetValue(usage) is { } text ? CryptoKeyWords.ParseUsages(text) : null;

    /// <summary>Records a new key in the directory's index (a persistent one, or any key of a simulator process) and describes it.</summary>
    private static (string, JsonNode, int) Made(CryptoSession s, TmeKeyHandle handle, string? type, TmeKeyPolicyBuilder builder)
    {
        TmeKeyPolicy policy = builder.Build();
        var entry = new CryptoKeyEntry(handle.Value, type, CryptoKeyWords.UsageNames(builder.Usages), CryptoKeyWords.AlgorithmOf(policy), builder.IsPersistent, policy);
        if (s.Index is not null && (builder.IsPersistent || s.KeysOutliveProcess))
        {
            s.Index.Add(entry);
        }

        return (entry.ToText(), entry.ToJson(), 0);
    }

    private static byte[] PrivateScalarFromPem(byte[] pemBytes, TmeCurve curve, string path)
    {
        if (curve == TmeCurve.None)
        {
            throw new TmelUsageException($"--in {path}: a PEM key imports as an ECC key (--type ecc-p256 or ecc-p384).");
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(System.Text.Encoding.ASCII.GetString(pemBytes));
            ECParameters parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid.Value != (curve == TmeCurve.P384 ? "1.3.132.0.34" : "1.2.840.10045.3.1.7"))
            {
                throw new TmelUsageException($"--in {path}: the key is on curve {parameters.Curve.Oid.FriendlyName}, not {CryptoKeyWords.CurveName(curve)}.");
            }

            return parameters.D!;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new TmelUsageException($"--in {path}: not a PEM EC private key ({ex.Message}).");
        }
    }

    private static async Task<string> ReadPemAsync(FileInfo file, string option, CancellationToken ct) =>
        System.Text.Encoding.ASCII.GetString(await CryptoOptions.ReadFileAsync(file, option, ct).ConfigureAwait(false));
}
