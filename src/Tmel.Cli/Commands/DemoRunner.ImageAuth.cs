using Microsoft.Extensions.DependencyInjection;
using Tmel.Services;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator;

namespace Tmel.Cli.Commands;

internal sealed partial class DemoRunner
{
    /// <summary>Signs the demo firmware with a fresh identity the simulator's fuses trust, authenticates it, shows a tampered copy rejected, and tears it down.</summary>
    private async Task RunImageAuthAsync(IServiceProvider services, TsimSigningIdentity identity, TimeProvider time, CancellationToken ct)
    {
        byte[] elf = DemoFirmware.Load();
        long signStarted = time.GetTimestamp();
        byte[] signed = TsimImageSigner.Sign(elf, identity, identity.CreateSignOptions(DemoFirmware.SoftwareId));
        TsimImage image = TsimImage.Parse(signed);
        _report.Request("image sign", $"ELF {elf.Length} B", $"TSIM-MBN7 {signed.Length} B", ok: true, time.GetElapsedTime(signStarted).TotalMilliseconds, $"sw_id 0x{image.SoftwareId:X}, metadata {image.Metadata.Length} B, {(identity.Ca is null ? 2 : 3)}-level chain");

        ImageAuthClient client = await services.GetRequiredService<ImageAuthDriver>().WaitForClientAsync(settings.Timeout, time, ct).ConfigureAwait(false);
        TmelSimulator? simulator = services.GetService<TmelSimulator>();

        // A copy with one byte of its last loaded segment flipped: the signature still holds, that segment's hash does not.
        byte[] tampered = (byte[])signed.Clone();
        tampered[^1] ^= 0x01;
        await StepAsync("image tampered", $"SEC_AUTH sw_id 0x{image.SoftwareId:X}, one segment byte flipped", time, async () =>
        {
            try
            {
                await client.AuthenticateAsync(TsimImage.Parse(tampered), ct).ConfigureAwait(false);
                return (false, "accepted", "a tampered image must be rejected");
            }
            catch (TmelServiceException ex)
            {
                bool segmentStep = ex.Status == TmelStatus.Generic && (ex.ExtendedError & 0xFF00) == 0x0A00;
                return (segmentStep, $"rejected: {ex.Status}, extended error 0x{ex.ExtendedError:X4}", $"segment {ex.ExtendedError & 0xFF}'s SHA-384 does not match its hash-table entry");
            }
        }).ConfigureAwait(false);

        await StepAsync("image authenticate", $"SEC_AUTH sw_id 0x{image.SoftwareId:X}", time, async () =>
        {
            ImageAuthResult result = await client.AuthenticateAsync(image, ct).ConfigureAwait(false);
            return (true, $"status 0, entry 0x{result.EntryAddress:X8}", $"first segment 0x{result.FirstSegmentAddress:X8}+{result.FirstSegmentLength}{Measurements(simulator)}");
        }).ConfigureAwait(false);

        await RunAttestationAsync(services, simulator, image, time, ct).ConfigureAwait(false);

        await StepAsync("image tear down", $"SS_TEAR_DOWN sw_id 0x{image.SoftwareId:X}", time, async () =>
        {
            await client.TearDownAsync(image.SoftwareId, ct).ConfigureAwait(false);
            return (true, "status 0", $"{Measurements(simulator)}"[2..]);
        }).ConfigureAwait(false);
    }

    // The in-memory simulator's measurements can be counted; a simulator process keeps its own.
    private static string Measurements(TmelSimulator? simulator) =>
        simulator is null ? "; measurements: in the simulator process" : $"; measurements: {simulator.Measurements.Count}";
}
