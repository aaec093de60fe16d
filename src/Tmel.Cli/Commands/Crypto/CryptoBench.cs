using System.Security.Cryptography;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>
/// <c>tmel crypto bench</c>'s measurement: an operation through the whole stack (client, request lane, rpmsg, QMP, the simulated
/// TME-L) next to the same operation called directly in .NET, in alternating batches of equal duration; each pair of batches
/// gives one ratio (direct ops/s ÷ stack ops/s), and the figure is the median ratio with its spread (docs/crypto-cli.md).
/// </summary>
internal sealed class CryptoBench(CryptoClient client, TimeProvider time, int batches, TimeSpan batchTime)
{
    /// <summary>One benchmarked operation: the stack's and the direct call's, each completing one operation per call.</summary>
    private sealed record Operation(string Name, Func<CancellationToken, Task> Stack, Action Direct);

    public async Task<IReadOnlyList<CryptoBenchFigure>> RunAsync(CancellationToken cancellationToken)
    {
        byte[] message = RandomNumberGenerator.GetBytes(64);
        byte[] plain = RandomNumberGenerator.GetBytes(1024);

        // The same work on both sides: ECDSA P-256 over SHA-256 of 64 bytes; AES-256-GCM of 1 KiB with a fresh 12-byte IV.
        TmeKeyHandle signing = await client.GenerateKeyAsync(TmeKeyPolicyBuilder.Ecc(TmeCurve.P256), cancellationToken).ConfigureAwait(false);
        TmeKeyHandle gcm = await client.GenerateKeyAsync(TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Gcm), cancellationToken).ConfigureAwait(false);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        byte[] iv = new byte[12];
        byte[] ciphertext = new byte[plain.Length];
        byte[] tag = new byte[16];
        Operation[] operations =
        [
            new("sign ECDSA P-256 SHA-256 64 B", ct => client.SignAsync(signing, TmeCurve.P256, TmeHashAlgorithm.Sha256, message, ct), () => ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
            new("encrypt AES-256-GCM 1 KiB", ct => client.EncryptAsync(gcm, TmeAesMode.Gcm, plain, cancellationToken: ct), () =>
            {
                RandomNumberGenerator.Fill(iv);
                aes.Encrypt(iv, plain, ciphertext, tag);
            }),
        ];

        try
        {
            var figures = new List<CryptoBenchFigure>();
            foreach (Operation operation in operations)
            {
                figures.Add(await MeasureAsync(operation, cancellationToken).ConfigureAwait(false));
            }

            return figures;
        }
        finally
        {
            await client.ClearKeyAsync(signing, CancellationToken.None).ConfigureAwait(false);
            await client.ClearKeyAsync(gcm, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<CryptoBenchFigure> MeasureAsync(Operation operation, CancellationToken cancellationToken)
    {
        // One short batch each first, so the first pair does not pay for JIT and caches.
        await StackBatchAsync(operation, cancellationToken).ConfigureAwait(false);
        DirectBatch(operation);
        double[] stack = new double[batches];
        double[] direct = new double[batches];
        double[] ratios = new double[batches];
        for (int i = 0; i < batches; i++)
        {
            // Alternate which side goes first, so a drift in the machine's speed does not favour one side.
            if (i % 2 == 0)
            {
                stack[i] = await StackBatchAsync(operation, cancellationToken).ConfigureAwait(false);
                direct[i] = DirectBatch(operation);
            }
            else
            {
                direct[i] = DirectBatch(operation);
                stack[i] = await StackBatchAsync(operation, cancellationToken).ConfigureAwait(false);
            }

            ratios[i] = direct[i] / stack[i];
        }

        return new CryptoBenchFigure(operation.Name, batches, Median(stack), Median(direct), Median(ratios), ratios.Min(), ratios.Max());
    }

    private async Task<double> StackBatchAsync(Operation operation, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        long count = 0;
        TimeSpan elapsed;
        do
        {
            await operation.Stack(cancellationToken).ConfigureAwait(false);
            count++;
            elapsed = time.GetElapsedTime(started);
        }
        while (elapsed < batchTime);
        return count / elapsed.TotalSeconds;
    }

    private double DirectBatch(Operation operation)
    {
        long started = time.GetTimestamp();
        long count = 0;
        TimeSpan elapsed;
        do
        {
            operation.Direct();
            count++;
            elapsed = time.GetElapsedTime(started);
        }
        while (elapsed < batchTime);
        return count / elapsed.TotalSeconds;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
