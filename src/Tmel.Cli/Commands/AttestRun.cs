using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Hosting;
using Tmel.Services;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Simulator;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel attest</c>: the attestation key and a token through the tmel host and the simulated TME-L, optionally after authenticating an image.</summary>
internal static class AttestRun
{
    public static async Task<int> RunAsync(byte[] nonce, FileInfo tokenOut, FileInfo keyOut, (TsimImage Image, uint SwId, TsimFuses Fuses)? image, TimeSpan timeout, InvocationConfiguration io, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = TmelHostBuilder.Create([], stack =>
        {
            if (image is { } i)
            {
                stack.Services.Configure<TmelSimulatorOptions>(o => o.Fuses = i.Fuses);
            }
        });
        using IHost host = TmelHostBuilder.Build(builder);
        TimeProvider time = host.Services.GetRequiredService<TimeProvider>();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await host.StartAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (image is { } authenticate)
            {
                ImageAuthClient auth = await host.Services.GetRequiredService<ImageAuthDriver>().WaitForClientAsync(timeout, time, linked.Token).ConfigureAwait(false);
                try
                {
                    ImageAuthResult result = await auth.AuthenticateAsync(authenticate.SwId, authenticate.Image.Metadata, authenticate.Image.LoadBase, authenticate.Image.CreateLoadImage(), linked.Token).ConfigureAwait(false);
                    await io.Output.WriteLineAsync($"authenticated: sw_id 0x{result.SwId:X}, entry 0x{result.EntryAddress:X8}").ConfigureAwait(false);
                }
                catch (TmelServiceException ex)
                {
                    await io.Error.WriteLineAsync($"tmel: TME-L rejected the image {ImageRejection.Describe(TsimVerificationResult.FromResponse(ex.Status, ex.ExtendedError))}").ConfigureAwait(false);
                    return CliErrors.Failed;
                }
            }

            AttestationClient client = await host.Services.GetRequiredService<AttestationDriver>().WaitForClientAsync(timeout, time, linked.Token).ConfigureAwait(false);
            AttestationPublicKey key = await client.GetPublicKeyAsync(AttestationClient.DefaultBufferLength, linked.Token).ConfigureAwait(false);
            long started = time.GetTimestamp();
            byte[] token = await client.AttestAsync(nonce, cancellationToken: linked.Token).ConfigureAwait(false);
            TimeSpan elapsed = time.GetElapsedTime(started);

            // The token is checked before it is handed out: with the key's certificate from the chain.
            using X509Certificate2 leaf = key.LoadCertificates()[0];
            AttestationClaims claims = AttestationTokenVerifier.Verify(token, leaf, nonce);
            await File.WriteAllBytesAsync(tokenOut.FullName, token, linked.Token).ConfigureAwait(false);
            await File.WriteAllTextAsync(keyOut.FullName, key.ExportPem() + "\n", linked.Token).ConfigureAwait(false);
            await io.Output.WriteLineAsync($"token {token.Length} B in {elapsed.TotalMilliseconds:0.0} ms -> {tokenOut.FullName}; attestation key -> {keyOut.FullName}").ConfigureAwait(false);
            foreach (AttestationSoftwareComponent component in claims.SoftwareComponents)
            {
                await io.Output.WriteLineAsync($"component {component.MeasurementType}: measurement {Convert.ToHexStringLower(component.MeasurementValue)}, version {component.Version}").ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
