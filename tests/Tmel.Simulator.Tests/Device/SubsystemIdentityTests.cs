using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.Attestation;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Simulator.Tests.Crypto;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Device;

/// <summary>Two subsystems of one simulated device, each through its own mailbox pair: what they share and what each keeps to itself.</summary>
public class SubsystemIdentityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Crypto_HandleOfAnotherSubsystem_AnsweredExactlyAsANonExistentHandle()
    {
        using SimulatedDevice device = CreateDevice();
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);
        TmeKeyHandle key = await apps.Crypto.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);
        var never = new TmeKeyHandle(200);

        var foreign = await Assert.ThrowsAsync<TmeCryptoException>(() => btss.Crypto.EncryptAsync(key, TmeAesMode.Ecb, new byte[16], cancellationToken: Ct));
        var missing = await Assert.ThrowsAsync<TmeCryptoException>(() => btss.Crypto.EncryptAsync(never, TmeAesMode.Ecb, new byte[16], cancellationToken: Ct));
        var clearForeign = await Assert.ThrowsAsync<TmeCryptoException>(() => btss.Crypto.ClearKeyAsync(key, Ct));
        var clearMissing = await Assert.ThrowsAsync<TmeCryptoException>(() => btss.Crypto.ClearKeyAsync(never, Ct));

        Assert.Equal((missing.Status, missing.Message.Replace("200", "N", StringComparison.Ordinal)), (foreign.Status, foreign.Message.Replace($"{key.Value}", "N", StringComparison.Ordinal)));
        Assert.Equal(TmeStatus.InvalidInput, foreign.Status);
        Assert.Equal(clearMissing.Status, clearForeign.Status);
        Assert.Equal(16, (await apps.Crypto.EncryptAsync(key, TmeAesMode.Ecb, new byte[16], cancellationToken: Ct)).Ciphertext.Length);   // still the owner's
    }

    [Fact]
    public async Task Crypto_TwoSubsystems_ShareOneKeyTableOfHandles()
    {
        using SimulatedDevice device = CreateDevice();
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);

        TmeKeyHandle first = await apps.Crypto.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);
        TmeKeyHandle second = await btss.Crypto.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);

        Assert.NotEqual(first, second);                                       // one device, one table: the handle spaces do not overlap
        lock (device.CryptoLock)
        {
            Assert.Equal(2, device.Keys.Count);
        }
    }

    [Fact]
    public async Task Attestation_ClientId_IsTheSubsystemThatAsked_SameDeviceKey()
    {
        using SimulatedDevice device = CreateDevice();
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);
        Assert.Equal(apps.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray(), btss.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray());

        AttestationClaims fromApps = await AttestAsync(apps);
        AttestationClaims fromBtss = await AttestAsync(btss);

        Assert.Equal(3, -fromApps.ClientId >> 16);
        Assert.Equal(6, -fromBtss.ClientId >> 16);
        Assert.Equal(fromApps.InstanceId, fromBtss.InstanceId);
        Assert.Equal(fromApps.BootSeed, fromBtss.BootSeed);                   // one device, one boot
    }

    [Fact]
    public async Task Measurements_ArePerSubsystem_AndTheCommittedVersionIsTheDevices()
    {
        using SimulatedDevice device = CreateDevice();
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);

        await apps.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);
        AttestationClaims fromApps = await AttestAsync(apps);
        AttestationClaims fromBtss = await AttestAsync(btss);

        Assert.Equal($"SW_ID_0x{TestImages.SwId:X8}", Assert.Single(fromApps.SoftwareComponents).MeasurementType);
        Assert.Equal("TMEL_SIM_FW", Assert.Single(fromBtss.SoftwareComponents).MeasurementType);
        Assert.Empty(btss.Simulator.Measurements);
        var notUp = await Assert.ThrowsAsync<Tmel.Services.TmelServiceException>(() => btss.Device.CommitArbVersionsAsync([TestImages.SwId], Ct));
        Assert.Equal(Tmel.Services.Tmelcom.TmelStatus.BadParameter, notUp.Status);   // btss has not authenticated it

        await apps.Device.CommitArbVersionsAsync([TestImages.SwId], Ct);

        Assert.Equal(2, (await btss.Device.GetArbVersionAsync(TestImages.SwId, Ct)).OemVersion);
        await btss.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);             // the same image, now on btss too
        Assert.Single(btss.Simulator.Measurements);
    }

    [Fact]
    public async Task LinkReset_TearsDownThatSubsystemsImagesOnly()
    {
        using SimulatedDevice device = CreateDevice();
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);
        await apps.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);
        await btss.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);
        var reset = new TaskCompletionSource<IReadOnlyList<uint>>(TaskCreationOptions.RunContinuationsAsynchronously);
        apps.Simulator.SubsystemReset += removed => reset.TrySetResult(removed);

        await apps.DisposeClientAsync();                                                 // the APPS client goes away: its link goes down

        IReadOnlyList<uint> tornDown = await reset.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);   // a hang guard only
        Assert.Equal([TestImages.SwId], tornDown);
        Assert.Empty(apps.Simulator.Measurements);
        Assert.Equal(TestImages.SwId, Assert.Single(btss.Simulator.Measurements).SwId);
        AttestationClaims fromBtss = await AttestAsync(btss);
        Assert.Equal($"SW_ID_0x{TestImages.SwId:X8}", Assert.Single(fromBtss.SoftwareComponents).MeasurementType);
    }

    [Fact]
    public async Task InMemorySimulator_ServesApps_OfADeviceOfItsOwn()
    {
        await using SubsystemRig rig = await SubsystemRig.StartAsync(stateDirectory: null, Ct);

        Assert.Equal(TmelSubsystem.Apps, rig.Simulator.Subsystem);
        Assert.Null(rig.Simulator.Device.StateDirectory);
        Assert.Empty(rig.Simulator.RefusedStateFiles);
        Assert.Equal(3, -(await AttestAsync(rig)).ClientId >> 16);
    }

    private static async Task<AttestationClaims> AttestAsync(SubsystemRig rig)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        AttestationPublicKey key = await rig.Attestation.GetPublicKeyAsync(cancellationToken: Ct);
        using X509Certificate2 leaf = key.LoadCertificates()[0];
        return AttestationTokenVerifier.Verify(await rig.Attestation.AttestAsync(nonce, cancellationToken: Ct), leaf, nonce);
    }

    private static SimulatedDevice CreateDevice() =>
        SimulatedDevice.Create(TestImages.Fuses(), null, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance);
}
