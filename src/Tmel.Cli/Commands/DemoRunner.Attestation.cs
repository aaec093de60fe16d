using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Tmel.Services.Attestation;
using Tmel.Services.Device;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator;

namespace Tmel.Cli.Commands;

internal sealed partial class DemoRunner
{
    /// <summary>The fuse rows the device step reads: the OEM ATE row, the HW_ID row and the six OEM_PK_HASH rows.</summary>
    private static readonly uint[] s_fuseRows = [0xA00E0, 0xA0200, 0xA00F8, 0xA0100, 0xA0108, 0xA0110, 0xA0118, 0xA0120];

    /// <summary>While the demo image is authenticated: the attestation key and chain, then a token over a fresh nonce, verified, measuring the image.</summary>
    private async Task RunAttestationAsync(IServiceProvider services, TmelSimulator? simulator, TsimImage image, TimeProvider time, CancellationToken ct)
    {
        AttestationClient client = await services.GetRequiredService<AttestationDriver>().WaitForClientAsync(settings.Timeout, time, ct).ConfigureAwait(false);
        AttestationPublicKey? key = null;
        await StepAsync("attest key", "INIT_ATTESTATION, 2048-byte buffer", time, async () =>
        {
            key = await client.GetPublicKeyAsync(AttestationClient.DefaultBufferLength, ct).ConfigureAwait(false);
            bool ok = key.Certificates.Count == 2;
            return (ok, $"P-384 key, {key.Certificates.Count} certificates", $"{key.Encode(includeChain: true).Length} B: the key's certificate and the device CA's");
        }).ConfigureAwait(false);
        if (key is null)
        {
            return;
        }

        byte[] nonce = RandomNumberGenerator.GetBytes(48);
        await StepAsync("attest", $"DEVICE_ATTESTATION, fresh {nonce.Length}-byte nonce", time, async () =>
        {
            byte[] token = await client.AttestAsync(nonce, cancellationToken: ct).ConfigureAwait(false);
            using X509Certificate2 leaf = key.LoadCertificates()[0];
            AttestationClaims claims = AttestationTokenVerifier.Verify(token, leaf, nonce);
            AttestationSoftwareComponent? component = claims.SoftwareComponents.FirstOrDefault(c => c.MeasurementType == $"SW_ID_0x{image.SoftwareId:X8}");

            // The in-memory simulator's own measurement must be the token's; a simulator process keeps its measurements to itself.
            TsimMeasurement? measured = simulator?.Measurements.Single(m => m.SwId == image.SoftwareId);
            bool ok = component is not null && (measured is null || component.MeasurementValue.AsSpan().SequenceEqual(measured.Digest));
            string measurement = component is null ? "none" : Convert.ToHexStringLower(component.MeasurementValue)[..16] + "…";
            return (ok, $"token {token.Length} B, verified", $"COSE_Sign1 ES384; {claims.SoftwareComponents.Count} component(s): {component?.MeasurementType} measurement {measurement} version {component?.Version}; client id {claims.ClientId}");
        }).ConfigureAwait(false);
    }

    /// <summary>The device's own state: its fuses (the same the image was checked against) and TME-L's state.</summary>
    private async Task RunDeviceAsync(IServiceProvider services, TsimSigningIdentity identity, TimeProvider time, CancellationToken ct)
    {
        DeviceClient client = await services.GetRequiredService<DeviceDriver>().WaitForClientAsync(settings.Timeout, time, ct).ConfigureAwait(false);
        await StepAsync("device fuses", $"FUSE_READ_MULTIPLE_ROW, {s_fuseRows.Length} rows", time, async () =>
        {
            IReadOnlyList<FuseEntry> rows = await client.ReadFusesAsync(s_fuseRows, ct).ConfigureAwait(false);
            byte[] hash = new byte[48];
            for (int i = 0; i < 6; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(hash.AsSpan(i * 8), rows[2 + i].Value);
            }

            bool secureBoot = (rows[0].Low & 0x82) == 0x82;
            bool hashMatches = hash.AsSpan().SequenceEqual(identity.OemPkHash);
            return (secureBoot && hashMatches, $"secure boot {(secureBoot ? "on" : "off")}, OEM_ID 0x{rows[0].Low >> 16:X}, MODEL_ID 0x{rows[0].High & 0xFFFF:X}, HW_ID 0x{rows[1].Value:X}",
                hashMatches ? "OEM_PK_HASH rows match the signing root" : "OEM_PK_HASH rows differ from the signing root");
        }).ConfigureAwait(false);

        await StepAsync("device state", "GET_STATE, 128-byte buffer", time, async () =>
        {
            DeviceState state = await client.GetStateAsync(ct).ConfigureAwait(false);
            return (state.State == 3, $"state 0x{state.State:X}, \"{state.PatchVersion}\"", $"patch applied {state.PatchApplied}, mission mode {state.MissionMode}");
        }).ConfigureAwait(false);
    }
}
