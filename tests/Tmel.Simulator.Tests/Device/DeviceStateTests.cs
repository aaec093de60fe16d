using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services;
using Tmel.Services.Crypto;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Simulator.Tests.Crypto;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Device;

/// <summary>The simulated device's state directory: what survives a restart, what a damaged file does, the lock and the limits.</summary>
public class DeviceStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restart_SameStateDirectory_KeepsPersistentKeysIdentityAndCommittedVersions()
    {
        using var dir = new TempDirectory();
        byte[] block = RandomNumberGenerator.GetBytes(16);
        byte[] before;
        TmeKeyHandle persistent;
        TmeKeyHandle volatileKey;
        byte[] publicKey;
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            persistent = await first.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);
            volatileKey = await first.Crypto.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);
            before = (await first.Crypto.EncryptAsync(persistent, TmeAesMode.Ecb, block, cancellationToken: Ct)).Ciphertext;
            await first.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);                      // version 2
            await first.Device.CommitArbVersionsAsync([TestImages.SwId], Ct);
            publicKey = first.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray();
        }

        await using SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct);

        Assert.Empty(second.Simulator.RefusedStateFiles);
        Assert.Equal(publicKey, second.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(publicKey, (await second.Attestation.GetPublicKeyAsync(cancellationToken: Ct)).SubjectPublicKeyInfo.ToArray());
        Assert.Equal(before, (await second.Crypto.EncryptAsync(persistent, TmeAesMode.Ecb, block, cancellationToken: Ct)).Ciphertext);
        var gone = await Assert.ThrowsAsync<TmeCryptoException>(() => second.Crypto.EncryptAsync(volatileKey, TmeAesMode.Ecb, block, cancellationToken: Ct));
        Assert.Equal(TmeStatus.InvalidInput, gone.Status);
        Assert.Equal(2u, second.Simulator.AntiRollbackVersions[TestImages.SwId]);
        Assert.Empty(second.Simulator.Measurements);                                                   // images are not state: a restart is a reboot
        var refused = await Assert.ThrowsAsync<TmelServiceException>(() => second.ImageAuth.AuthenticateAsync(OlderImage(), Ct));
        Assert.Equal(TmelStatus.Generic, refused.Status);
    }

    [Fact]
    public async Task Restart_ClearedPersistentKey_StaysCleared()
    {
        using var dir = new TempDirectory();
        TmeKeyHandle key;
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            key = await first.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);
            await first.Crypto.ClearKeyAsync(key, Ct);
        }

        await using SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct);

        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => second.Crypto.ClearKeyAsync(key, Ct));
        Assert.Equal(TmeStatus.InvalidInput, ex.Status);
    }

    [Fact]
    public async Task Start_TamperedKeyStore_IsRefusedReportedAndMovedAside_SimulatorStillServes()
    {
        using var dir = new TempDirectory();
        TmeKeyHandle key;
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            key = await first.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);
        }

        string keys = dir.File("keys.sealed");
        byte[] file = await File.ReadAllBytesAsync(keys, Ct);
        file[^1] ^= 0x80;                                                                                 // one bit of the ciphertext
        await File.WriteAllBytesAsync(keys, file, Ct);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));

        await using SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct, loggerFactory);

        string refused = Assert.Single(second.Simulator.RefusedStateFiles);
        Assert.StartsWith(keys + ": ", refused, StringComparison.Ordinal);
        Assert.Contains("authentication tag", refused, StringComparison.Ordinal);
        FakeLogRecord warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == 4760);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.True(File.Exists(keys + ".refused"));
        Assert.False(File.Exists(keys));
        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => second.Crypto.EncryptAsync(key, TmeAesMode.Ecb, new byte[16], cancellationToken: Ct));
        Assert.Equal(TmeStatus.InvalidInput, ex.Status);
        TmeKeyHandle fresh = await second.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);
        Assert.Equal(16, (await second.Crypto.EncryptAsync(fresh, TmeAesMode.Ecb, new byte[16], cancellationToken: Ct)).Ciphertext.Length);
        Assert.NotNull(await second.Attestation.AttestAsync(RandomNumberGenerator.GetBytes(32), cancellationToken: Ct));
    }

    [Fact]
    public async Task Start_TruncatedIdentity_IsRefused_ANewIdentityIsSealed()
    {
        using var dir = new TempDirectory();
        byte[] publicKey;
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            publicKey = first.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray();
        }

        string identity = dir.File("identity.sealed");
        byte[] file = await File.ReadAllBytesAsync(identity, Ct);
        await File.WriteAllBytesAsync(identity, file[..(file.Length / 2)], Ct);

        byte[] replaced;
        await using (SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            string refused = Assert.Single(second.Simulator.RefusedStateFiles);
            Assert.Contains("identity.sealed", refused, StringComparison.Ordinal);
            Assert.Contains("truncated", refused, StringComparison.Ordinal);
            replaced = second.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray();
            Assert.NotEqual(publicKey, replaced);
        }

        await using SubsystemRig third = await SubsystemRig.StartAsync(dir.Path, Ct);
        Assert.Empty(third.Simulator.RefusedStateFiles);
        Assert.Equal(replaced, third.Simulator.AttestationPublicKey.SubjectPublicKeyInfo.ToArray());
    }

    [Fact]
    public async Task Start_AntiRollbackFileOfAnotherPurpose_IsRefused()
    {
        using var dir = new TempDirectory();
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            await first.ImageAuth.AuthenticateAsync(TestImages.Firmware(), Ct);
            await first.Device.CommitArbVersionsAsync([TestImages.SwId], Ct);
        }

        // A valid sealed file of this device, but another purpose's: the identity put where the versions belong.
        File.Copy(dir.File("identity.sealed"), dir.File("anti-rollback.sealed"), overwrite: true);

        await using SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct);

        Assert.Contains("purpose", Assert.Single(second.Simulator.RefusedStateFiles), StringComparison.Ordinal);
        Assert.Equal(1u, second.Simulator.AntiRollbackVersions[TestImages.SwId]);                       // back to the fused minimum
    }

    [Fact]
    public async Task Start_HukOfTheWrongSize_IsRefused_NothingIsReadOrWritten()
    {
        using var dir = new TempDirectory();
        await using (SubsystemRig first = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            await first.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);
        }

        await File.WriteAllBytesAsync(dir.File("huk.bin"), new byte[31], Ct);
        byte[] keysBefore = await File.ReadAllBytesAsync(dir.File("keys.sealed"), Ct);

        await using (SubsystemRig second = await SubsystemRig.StartAsync(dir.Path, Ct))
        {
            Assert.Contains("huk.bin", Assert.Single(second.Simulator.RefusedStateFiles), StringComparison.Ordinal);
            await second.Crypto.GenerateKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), Ct);   // served, in memory
        }

        Assert.Equal(keysBefore, await File.ReadAllBytesAsync(dir.File("keys.sealed"), Ct));
    }

    [Fact]
    public async Task Constructor_SecondSimulatorOnTheStateDirectory_ThrowsNamingTheLock()
    {
        using var dir = new TempDirectory();
        (QmpInMemoryMailbox _, QmpInMemoryMailbox one) = QmpInMemoryMailbox.CreatePair();
        (QmpInMemoryMailbox _, QmpInMemoryMailbox two) = QmpInMemoryMailbox.CreatePair();
        await using var first = new TmelSimulator(one, new TmelSimulatorOptions { StateDirectory = dir.Path });

        var ex = Assert.Throws<TmelStateDirectoryException>(() => new TmelSimulator(two, new TmelSimulatorOptions { StateDirectory = dir.Path }));

        Assert.Equal(dir.File("device.lock"), ex.Path);
        Assert.Contains($"another simulator holds it (pid {Environment.ProcessId})", ex.Message, StringComparison.Ordinal);
        await first.DisposeAsync();
        await using var third = new TmelSimulator(two, new TmelSimulatorOptions { StateDirectory = dir.Path });      // released with the first
        Assert.Empty(third.RefusedStateFiles);
    }

    [Fact]
    public async Task StateFiles_HoldNoKeyBytesInTheClear_AndTheLogsNone()
    {
        using var dir = new TempDirectory();
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using (SubsystemRig rig = await SubsystemRig.StartAsync(dir.Path, Ct, loggerFactory))
        {
            await rig.Crypto.ImportKeyAsync(Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb)), secret, Ct);
        }

        string hex = Convert.ToHexString(secret);
        foreach (string file in Directory.GetFiles(dir.Path, "*.sealed"))
        {
            Assert.False((await File.ReadAllBytesAsync(file, Ct)).AsSpan().IndexOf(secret) >= 0, file);
        }

        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Message.Contains(hex, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GenerateKey_PersistentStoreFull_IsNotReady_VolatileKeysStillServed()
    {
        using var dir = new TempDirectory();
        // Each persistent AES-256 key of "apps" takes 47 bytes of the store, after its 2-byte count: two fit in 100 bytes, three do not.
        using SimulatedDevice device = SimulatedDevice.Create(TestImages.Fuses(), dir.Path, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance, maxKeyStoreBytes: 100);
        await using SubsystemRig rig = await SubsystemRig.StartAsync(device, "apps", Ct);
        TmeKeyPolicy persistent = Persistent(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        await rig.Crypto.GenerateKeyAsync(persistent, Ct);
        await rig.Crypto.GenerateKeyAsync(persistent, Ct);

        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => rig.Crypto.GenerateKeyAsync(persistent, Ct));

        Assert.Equal(TmeStatus.NotReady, ex.Status);
        await rig.Crypto.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);
        lock (device.CryptoLock)
        {
            Assert.Equal(2, device.Keys.PersistentKeys().Count);
        }
    }

    [Fact]
    public async Task GenerateKey_SubsystemHandleLimit_IsNotReady_OtherSubsystemStillServed()
    {
        using SimulatedDevice device = SimulatedDevice.Create(TestImages.Fuses(), null, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance, maxKeysPerOwner: 2);
        await using SubsystemRig apps = await SubsystemRig.StartAsync(device, "apps", Ct);
        await using SubsystemRig btss = await SubsystemRig.StartAsync(device, "btss", Ct);
        TmeKeyPolicy policy = Policies.Aes(TmeKeyAlgorithm.Aes256Ecb);
        await apps.Crypto.GenerateKeyAsync(policy, Ct);
        await apps.Crypto.GenerateKeyAsync(policy, Ct);

        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => apps.Crypto.GenerateKeyAsync(policy, Ct));

        Assert.Equal(TmeStatus.NotReady, ex.Status);
        await btss.Crypto.GenerateKeyAsync(policy, Ct);
    }

    [Fact]
    public void Open_SealedFileOverItsLimit_IsRefusedUnread()
    {
        using var dir = new TempDirectory();
        using (SimulatedDevice.Create(TestImages.Fuses(), dir.Path, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance))
        {
        }

        File.WriteAllBytes(dir.File("anti-rollback.sealed"), new byte[SealedStateFile.HeaderLength + SimulatedDevice.MaxAntiRollbackBytes + 1]);

        using SimulatedDevice device = SimulatedDevice.Create(TestImages.Fuses(), dir.Path, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance);

        Assert.Contains("more than", Assert.Single(device.RefusedFiles).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LeftoverTemporaryFile_IsDeleted_TheSealedFileStillOpens()
    {
        using var dir = new TempDirectory();
        byte[] publicKey;
        using (SimulatedDevice first = SimulatedDevice.Create(TestImages.Fuses(), dir.Path, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance))
        {
            publicKey = first.Identity.SubjectPublicKeyInfo;
        }

        File.WriteAllBytes(dir.File("identity.sealed.tmp"), new byte[10]);                              // a write that died before its rename

        using SimulatedDevice device = SimulatedDevice.Create(TestImages.Fuses(), dir.Path, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance);

        Assert.Empty(device.RefusedFiles);
        Assert.Equal(publicKey, device.Identity.SubjectPublicKeyInfo);
        Assert.False(File.Exists(dir.File("identity.sealed.tmp")));
    }

    /// <summary>The policy with KWC KWK_STORAGE (high word bit 2): persistent with a state directory.</summary>
    private static TmeKeyPolicy Persistent(TmeKeyPolicy policy) => policy with { High = policy.High | (KeyPolicyRules.PersistentWrapClass << 1) };

    private static TsimImage OlderImage()
    {
        TsimSignOptions options = TestImages.SignOptions();
        options.AntiRollbackVersion = 1;
        return TsimImage.Parse(TsimImageSigner.Sign(TestImages.FirmwareElf(TestImages.LinkAddress), TestImages.Identity, options));
    }
}
