using System.CommandLine;
using System.Text.Json.Nodes;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>The subcommands that use keys or data: public-key, sign, verify, encrypt, decrypt, mac, digest, random, wrap.</summary>
internal static partial class CryptoCommand
{
    private const int GcmIvLength = 12;
    private const int GcmTagLength = 16;
    private const int CbcIvLength = 16;

    private static Command PublicKey()
    {
        Option<uint> key = CryptoOptions.Key();
        Option<FileInfo?> output = CryptoOptions.Out("the public key (PEM SubjectPublicKeyInfo)");
        return Define("public-key", "HCS_ECC_GET_PUBKEY / HCS_ECDH_GET_PUBKEY: the public half of an ECC key, as PEM (SubjectPublicKeyInfo).", [key, output], async (parse, s) =>
        {
            (TmeCurve curve, bool ecdh, byte[] point) = await CryptoKeys.ResolveEccAsync(s, parse.GetValue(key)).ConfigureAwait(false);
            string pem = CryptoKeys.PublicKeyPem(curve, point) + "\n";
            var json = new JsonObject { ["handle"] = parse.GetValue(key), ["curve"] = CryptoKeyWords.CurveName(curve), ["kind"] = ecdh ? "ecdh" : "ecdsa" };
            if (parse.GetValue(output) is { } file)
            {
                await CryptoOptions.WriteFileAsync(file, output.Name, System.Text.Encoding.ASCII.GetBytes(pem), s.Token).ConfigureAwait(false);
                json["out"] = file.FullName;
                return ($"{CryptoKeyWords.CurveName(curve)} public key of key {parse.GetValue(key)} -> {file.FullName}", json, 0);
            }

            json["pem"] = pem;
            return (pem.TrimEnd(), json, 0);
        });
    }

    private static Command Sign()
    {
        Option<uint> key = CryptoOptions.Key();
        Option<FileInfo?> input = CryptoOptions.In(what: "the message");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the message");
        Option<string?> alg = CryptoOptions.Algorithm("The hash of the message: sha-256 (default for P-256), sha-384 (default for P-384), sha-512.");
        Option<FileInfo?> output = CryptoOptions.Out("the signature (DER, as 'openssl dgst -verify' reads it)");
        return Define("sign", "HCS_ECC_SIGN_MSG: an ECDSA signature over the message, DER-encoded.", [key, input, hex, alg, output], async (parse, s) =>
        {
            byte[] message = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            (TmeCurve curve, _, _) = await CryptoKeys.ResolveEccAsync(s, parse.GetValue(key)).ConfigureAwait(false);
            string hash = parse.GetValue(alg) ?? CryptoKeys.DefaultHash(curve);
            byte[] signature = await s.Client.SignAsync(new TmeKeyHandle(parse.GetValue(key)), curve, CryptoKeyWords.Hash(hash), message, s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, signature, "signature", s.Token).ConfigureAwait(false);
            json["handle"] = parse.GetValue(key);
            json["hash"] = hash;
            return (text, json, 0);
        });
    }

    private static Command Verify()
    {
        Option<uint> key = new("--key") { Description = "Verify with this key's public half (or give --pub).", CustomParser = CryptoOptions.ParseHandle };
        Option<FileInfo?> pub = new("--pub") { Description = "Verify with this public key (PEM) instead of a key TME-L holds." };
        Option<FileInfo?> input = CryptoOptions.In(what: "the message");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the message");
        Option<FileInfo?> sig = CryptoOptions.In("--sig", "the DER signature");
        Option<byte[]?> sigHex = CryptoOptions.InHex("--sig-hex", "the DER signature");
        Option<string?> alg = CryptoOptions.Algorithm("The hash of the message, as for sign.");
        return Define("verify", "HCS_ECC_VERIFY_MSG: TME-L checks a DER signature; exit code 0 when it verifies, 1 when it does not.", [key, pub, input, hex, sig, sigHex, alg], async (parse, s) =>
        {
            if ((parse.GetResult(key) is null) == (parse.GetValue(pub) is null))
            {
                throw new TmelUsageException("give exactly one of --key HANDLE and --pub FILE.");
            }

            byte[] message = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            byte[] signature = await CryptoOptions.ReadInputAsync(parse, sig, sigHex, s.Token, allowEmpty: false).ConfigureAwait(false);
            (TmeCurve curve, byte[] point) = parse.GetValue(pub) is { } file
                ? CryptoKeys.FromPem(System.Text.Encoding.ASCII.GetString(await CryptoOptions.ReadFileAsync(file, "--pub", s.Token).ConfigureAwait(false)), "--pub")
                : await PointOfAsync(s, parse.GetValue(key)).ConfigureAwait(false);
            string hash = parse.GetValue(alg) ?? CryptoKeys.DefaultHash(curve);
            bool valid = await s.Client.VerifyAsync(curve, point, CryptoKeyWords.Hash(hash), message, signature, s.Token).ConfigureAwait(false);
            return (valid ? "signature valid" : "signature INVALID", new JsonObject { ["valid"] = valid, ["curve"] = CryptoKeyWords.CurveName(curve), ["hash"] = hash }, valid ? 0 : CliErrors.Failed);
        });
    }

    private static Command Encrypt()
    {
        Option<uint> key = CryptoOptions.Key();
        Option<FileInfo?> input = CryptoOptions.In(what: "the plaintext");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the plaintext");
        Option<string?> alg = CryptoOptions.Algorithm("The mode: aes-gcm, aes-cbc or aes-ecb (default: the key's, else aes-gcm); CBC and ECB take whole 16-byte blocks.");
        Option<byte[]?> aad = new("--aad") { Description = "GCM additional authenticated data as hex (at most 256 bytes).", CustomParser = CryptoOptions.ParseHex };
        Option<FileInfo?> output = CryptoOptions.Out("the output: GCM IV(12) || ciphertext || tag(16); CBC IV(16) || ciphertext; ECB ciphertext");
        return Define("encrypt", "HCS_AES_ENCRYPT: TME-L encrypts under the key with an IV it draws; the output is IV || ciphertext || tag.", [key, input, hex, alg, aad, output], async (parse, s) =>
        {
            string mode = ModeOf(s, parse.GetValue(key), parse.GetValue(alg));
            byte[] plain = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            AesResult result = await s.Client.EncryptAsync(new TmeKeyHandle(parse.GetValue(key)), CryptoKeyWords.AesMode(mode), plain, parse.GetValue(aad) ?? default(ReadOnlyMemory<byte>), s.Token).ConfigureAwait(false);
            byte[] layout = [.. result.Iv, .. result.Ciphertext, .. result.Tag];
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, layout, $"{mode} IV || ciphertext || tag", s.Token).ConfigureAwait(false);
            json["handle"] = parse.GetValue(key);
            json["alg"] = mode;
            return (text, json, 0);
        });
    }

    private static Command Decrypt()
    {
        Option<uint> key = CryptoOptions.Key();
        Option<FileInfo?> input = CryptoOptions.In(what: "what 'encrypt' wrote (IV || ciphertext || tag)");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "IV || ciphertext || tag");
        Option<string?> alg = CryptoOptions.Algorithm("The mode, as for encrypt.");
        Option<byte[]?> aad = new("--aad") { Description = "GCM additional authenticated data as hex.", CustomParser = CryptoOptions.ParseHex };
        Option<FileInfo?> output = CryptoOptions.Out("the plaintext");
        return Define("decrypt", "HCS_AES_DECRYPT: the inverse of encrypt; a GCM tag that does not match fails (TME_STATUS_FAILURE).", [key, input, hex, alg, aad, output], async (parse, s) =>
        {
            string mode = ModeOf(s, parse.GetValue(key), parse.GetValue(alg));
            byte[] data = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            (int ivLength, int tagLength) = mode switch { "aes-gcm" => (GcmIvLength, GcmTagLength), "aes-cbc" => (CbcIvLength, 0), _ => (0, 0) };
            if (data.Length < ivLength + tagLength + 1)
            {
                throw new TmelUsageException($"the input is {data.Length} bytes; {mode} needs IV ({ivLength}) || ciphertext (at least 1) || tag ({tagLength}).");
            }

            byte[] plain = await s.Client.DecryptAsync(
                new TmeKeyHandle(parse.GetValue(key)),
                CryptoKeyWords.AesMode(mode),
                data.AsMemory(ivLength, data.Length - ivLength - tagLength),
                data.AsMemory(0, ivLength),
                data.AsMemory(data.Length - tagLength),
                parse.GetValue(aad) ?? default(ReadOnlyMemory<byte>),
                s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, plain, "plaintext", s.Token).ConfigureAwait(false);
            json["handle"] = parse.GetValue(key);
            json["alg"] = mode;
            return (text, json, 0);
        });
    }

    private static Command Mac()
    {
        Option<uint> key = CryptoOptions.Key();
        Option<FileInfo?> input = CryptoOptions.In(what: "the data");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the data");
        Option<string?> alg = CryptoOptions.Algorithm("The HMAC's hash: sha-256, sha-384 or sha-512 (default: the key's, else sha-256).");
        Option<FileInfo?> output = CryptoOptions.Out("the MAC");
        return Define("mac", "HCS_HMAC_DIGEST: an HMAC under a key TME-L holds.", [key, input, hex, alg, output], async (parse, s) =>
        {
            string hash = parse.GetValue(alg) ?? s.Index?.Find(parse.GetValue(key))?.Algorithm ?? "sha-256";
            byte[] data = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            byte[] mac = await s.Client.HmacAsync(new TmeKeyHandle(parse.GetValue(key)), CryptoKeyWords.Hash(hash), data, s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, mac, "MAC", s.Token).ConfigureAwait(false);
            json["handle"] = parse.GetValue(key);
            json["alg"] = hash;
            return (text, json, 0);
        });
    }

    private static Command Digest()
    {
        Option<FileInfo?> input = CryptoOptions.In(what: "the data");
        Option<byte[]?> hex = CryptoOptions.InHex(what: "the data");
        Option<string?> alg = CryptoOptions.Algorithm("The hash: sha-256 (default), sha-384 or sha-512.");
        Option<FileInfo?> output = CryptoOptions.Out("the digest");
        return Define("digest", "HCS_SHA_DIGEST: a SHA-2 digest computed by TME-L.", [input, hex, alg, output], async (parse, s) =>
        {
            string hash = parse.GetValue(alg) ?? "sha-256";
            byte[] data = await CryptoOptions.ReadInputAsync(parse, input, hex, s.Token).ConfigureAwait(false);
            byte[] digest = await s.Client.DigestAsync(CryptoKeyWords.Hash(hash), data, s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, digest, "digest", s.Token).ConfigureAwait(false);
            json["alg"] = hash;
            return (text, json, 0);
        });
    }

    private static Command Random()
    {
        Option<int> count = new("--count") { Description = "How many random bytes, 1..512.", DefaultValueFactory = _ => 32 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 512)
            {
                r.AddError($"--count: {r.GetValueOrDefault<int>()} is outside 1..512 (HCS_PRNG_GET's limit).");
            }
        });
        Option<FileInfo?> output = CryptoOptions.Out("the random bytes");
        return Define("random", "HCS_PRNG_GET: random bytes from TME-L.", [count, output], async (parse, s) =>
        {
            byte[] bytes = await s.Client.GetRandomAsync(parse.GetValue(count), s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, bytes, "random bytes", s.Token).ConfigureAwait(false);
            return (text, json, 0);
        });
    }

    private static Command Wrap()
    {
        Option<uint> key = CryptoOptions.Key(description: "The key to wrap; its policy must allow the wrapping key's class (a persistent key for a --usage wrap key).");
        Option<uint> wrapping = CryptoOptions.Key("--wrapping-key", "The key-wrapping key's handle (a key made with --usage wrap).");
        Option<FileInfo?> output = CryptoOptions.Out("the wrapped blob (docs/crypto.md, 'Wrapped-key blob')");
        return Define("wrap", "KM_WRAP: export a key wrapped under a key-wrapping key: the only way a key leaves TME-L.", [key, wrapping, output], async (parse, s) =>
        {
            byte[] blob = await s.Client.WrapKeyAsync(new TmeKeyHandle(parse.GetValue(key)), new TmeKeyHandle(parse.GetValue(wrapping)), s.Token).ConfigureAwait(false);
            (string text, JsonObject json) = await CryptoOptions.WriteOutputAsync(parse, output, blob, "wrapped key", s.Token).ConfigureAwait(false);
            json["handle"] = parse.GetValue(key);
            json["wrappingKey"] = parse.GetValue(wrapping);
            return (text, json, 0);
        });
    }

    private static async Task<(TmeCurve, byte[])> PointOfAsync(CryptoSession s, uint handle)
    {
        (TmeCurve curve, _, byte[] point) = await CryptoKeys.ResolveEccAsync(s, handle).ConfigureAwait(false);
        return (curve, point);
    }

    private static string ModeOf(CryptoSession s, uint handle, string? alg) =>
        alg ?? (s.Index?.Find(handle)?.Algorithm is { } known && known.StartsWith("aes-", StringComparison.Ordinal) ? known : "aes-gcm");
}
