using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Hosting;
using Tmel.Services;
using Tmel.Services.ImageAuth;
using Tmel.Simulator;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel image auth</c>: one SEC_AUTH and SS_TEAR_DOWN through the tmel host and the simulated TME-L.</summary>
internal static class ImageAuthRun
{
    public static async Task<int> RunAsync(TsimImage image, uint swId, TsimFuses fuses, TimeSpan timeout, InvocationConfiguration io, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = TmelHostBuilder.Create([], stack => stack.Services.Configure<TmelSimulatorOptions>(o => o.Fuses = fuses));
        using IHost host = TmelHostBuilder.Build(builder);
        TimeProvider time = host.Services.GetRequiredService<TimeProvider>();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        await host.StartAsync(linked.Token).ConfigureAwait(false);
        try
        {
            ImageAuthClient client = await host.Services.GetRequiredService<ImageAuthDriver>().WaitForClientAsync(timeout, time, linked.Token).ConfigureAwait(false);
            long started = time.GetTimestamp();
            ImageAuthResult result;
            try
            {
                result = await client.AuthenticateAsync(image, swId, linked.Token).ConfigureAwait(false);
            }
            catch (TmelServiceException ex)
            {
                // The step and reason as `image verify` prints them, from the status and extended error TME-L answered.
                TsimVerificationResult rejection = TsimVerificationResult.FromResponse(ex.Status, ex.ExtendedError);
                await io.Error.WriteLineAsync($"tmel: TME-L rejected the image {ImageRejection.Describe(rejection)}").ConfigureAwait(false);
                return CliErrors.Failed;
            }

            TimeSpan elapsed = time.GetElapsedTime(started);
            TsimMeasurement? measurement = host.Services.GetRequiredService<TmelSimulator>().Measurements.FirstOrDefault(m => m.SwId == swId);
            await io.Output.WriteLineAsync($"authenticated: sw_id 0x{result.SwId:X}, entry 0x{result.EntryAddress:X8}, first segment 0x{result.FirstSegmentAddress:X8}+{result.FirstSegmentLength}, in {elapsed.TotalMilliseconds:0.0} ms").ConfigureAwait(false);
            if (measurement is not null)
            {
                await io.Output.WriteLineAsync($"measurement {Convert.ToHexStringLower(measurement.Digest)} (signer {Convert.ToHexStringLower(measurement.SignerId)[..16]}...)").ConfigureAwait(false);
            }

            await client.TearDownAsync(swId, linked.Token).ConfigureAwait(false);
            await io.Output.WriteLineAsync($"torn down: sw_id 0x{swId:X}").ConfigureAwait(false);
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
