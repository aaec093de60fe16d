using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands;

internal sealed partial class DemoRunner
{
    /// <summary>The fuse key the demo derives its AES key from: 9, TME_KID_CHIP_RAND_BASE (CRBK), as U-Boot and Linux do.</summary>
    private const uint CrbkKeyId = 9;

    /// <summary>
    /// TME-L's key management and host crypto: an ECDSA key generated inside, a signature verified outside with the exported
    /// public key, an AES-GCM round trip under a key derived from a fuse key, the signing key refused for export, 32 random bytes.
    /// </summary>
    private async Task RunCryptoAsync(IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        CryptoClient client = await services.GetRequiredService<CryptoDriver>().WaitForClientAsync(settings.Timeout, time, ct).ConfigureAwait(false);
        List<TmeKeyHandle> made = [];
        TmeKeyHandle? signing = null;
        await StepAsync("crypto key", "KM_GENERATE ECDSA P-256, volatile, never exported", time, async () =>
        {
            TmeKeyPolicyBuilder policy = TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).WithUsages(TmeKeyUsages.Sign | TmeKeyUsages.Verify);
            signing = await client.GenerateKeyAsync(policy, ct).ConfigureAwait(false);
            made.Add(signing.Value);
            TmeKeyPolicy built = policy.Build();
            return (true, $"handle {signing.Value.Value}", $"policy 0x{built.High:X8}{built.Low:X8}: ECC P-256, ECDSA, KWC 0");
        }).ConfigureAwait(false);

        try
        {
            if (signing is { } key)
            {
                byte[] message = RandomNumberGenerator.GetBytes(64);
                await StepAsync("crypto sign", $"HCS_ECC_SIGN_MSG SHA-256, {message.Length} B; HCS_ECC_GET_PUBKEY", time, async () =>
                {
                    byte[] signature = await client.SignAsync(key, TmeCurve.P256, TmeHashAlgorithm.Sha256, message, ct).ConfigureAwait(false);
                    using ECDsa publicKey = await client.GetEcdsaPublicKeyAsync(key, TmeCurve.P256, ct).ConfigureAwait(false);

                    // Checked here, in .NET, with the exported public key: not by the simulator.
                    bool valid = publicKey.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                    return (valid, $"DER signature {signature.Length} B", valid ? "verified outside TME-L with the exported SubjectPublicKeyInfo" : "the signature does not verify with the exported key");
                }).ConfigureAwait(false);

                await StepAsync("crypto export refused", "KM_WRAP of the signing key (policy KWC 0)", time, async () =>
                {
                    TmeKeyHandle wrapping = await client.GenerateKeyAsync(TmeKeyPolicyBuilder.KeyWrapping(TmeKeyLength.Bits256, TmeKeyProfile.WrapExport), ct).ConfigureAwait(false);
                    made.Add(wrapping);
                    try
                    {
                        await client.WrapKeyAsync(key, wrapping, ct).ConfigureAwait(false);
                        return (false, "exported", "a key whose policy forbids export left TME-L");
                    }
                    catch (TmeCryptoException ex)
                    {
                        return (ex.Status == TmeStatus.InvalidInput, $"refused: {nameof(TmeCryptoException)}", ex.Message);
                    }
                }).ConfigureAwait(false);
            }

            byte[] plain = RandomNumberGenerator.GetBytes(1024);
            await StepAsync("crypto aes-gcm", $"KM_DERIVE AES-256-GCM from CRBK; HCS_AES_ENCRYPT/DECRYPT {plain.Length} B", time, async () =>
            {
                TmeKeyHandle aes = await client.DeriveKeyAsync(new TmeKeyHandle(CrbkKeyId), TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Gcm), "tmel demo"u8.ToArray(), cancellationToken: ct).ConfigureAwait(false);
                made.Add(aes);
                AesResult sealedData = await client.EncryptAsync(aes, TmeAesMode.Gcm, plain, cancellationToken: ct).ConfigureAwait(false);
                byte[] opened = await client.DecryptAsync(aes, TmeAesMode.Gcm, sealedData.Ciphertext, sealedData.Iv, sealedData.Tag, cancellationToken: ct).ConfigureAwait(false);
                bool same = opened.AsSpan().SequenceEqual(plain);
                return (same, $"IV {sealedData.Iv.Length} B + {sealedData.Ciphertext.Length} B + tag {sealedData.Tag.Length} B", same ? $"derived key {aes.Value}; decrypted equals the plaintext" : "the decrypted bytes differ");
            }).ConfigureAwait(false);

            await StepAsync("crypto random", "HCS_PRNG_GET 32 B", time, async () =>
            {
                byte[] random = await client.GetRandomAsync(32, ct).ConfigureAwait(false);
                return (random.Length == 32, $"{random.Length} B", Convert.ToHexStringLower(random)[..16] + "…");
            }).ConfigureAwait(false);
        }
        finally
        {
            foreach (TmeKeyHandle handle in made)
            {
                await client.ClearKeyAsync(handle, ct).ConfigureAwait(false);
            }
        }
    }
}
