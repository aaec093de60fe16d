using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.ImageAuth;

/// <summary>
/// Image authentication through the whole stack: ImageAuthClient → rpmsg → QmpLink ⇄ in-memory mailbox ⇄ QmpLink →
/// the simulator's bus → its image-auth service, which really verifies, with shared memory in between.
/// </summary>
public class ImageAuthStackTests
{
    private const uint SegmentHashError = 0x0A00;
    private const int FirstLoadPhdr = 2; // phdr[0] PHDR, phdr[1] HASH, then the PT_LOADs

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ChannelNames_MatchBetweenSimulatorAndDriver() =>
        Assert.Equal(ImageAuthDriver.ChannelName, TmelSimulator.ImageAuthChannel);

    [Fact]
    public async Task AuthenticateAsync_SignedImage_ReturnsEntryAndFirstSegment_RecordsMeasurement_FreesBuffers()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();

        ImageAuthResult result = await rig.Client.AuthenticateAsync(image, Ct);

        Assert.Equal(new ImageAuthResult(TestImages.SwId, TestImages.LinkAddress + 0x10, TestImages.LinkAddress, 0x60), result);
        TsimMeasurement measurement = Assert.Single(rig.Simulator.Measurements);
        Assert.Equal(TestImages.SwId, measurement.SwId);
        Assert.Equal(48, measurement.Digest.Length);
        Assert.Equal(SHA384.HashData(TestImages.Identity.Signer.PublicKey.ExportSubjectPublicKeyInfo()), measurement.SignerId);
        Assert.Equal(2u, measurement.AntiRollbackVersion);
        Assert.Equal(3u, measurement.MeasurementRegisterTarget);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_OneByteOfALoadedSegmentChanged_IsRejectedWithThatSegmentsHashError()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();
        byte[] loaded = image.CreateLoadImage();
        loaded[0x1000 + 5] ^= 0x01;                                               // second PT_LOAD (phdr[3]), at LinkAddress + 0x1000

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(image.SoftwareId, image.Metadata, image.LoadBase, loaded, Ct));

        Assert.Equal(TmelStatus.Generic, ex.Status);
        Assert.Equal(SegmentHashError | (FirstLoadPhdr + 1), ex.ExtendedError);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, ex.Origin);
        Assert.Empty(rig.Simulator.Measurements);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact]
    public async Task AuthenticateAsync_OneByteOfTheSignatureChanged_IsRejectedAtTheSignatureStep()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();
        byte[] metadata = image.Metadata.ToArray();
        metadata[TestImages.SignatureOffset(metadata) + 20] ^= 0x40;

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(image.SoftwareId, metadata, image.LoadBase, image.CreateLoadImage(), Ct));

        Assert.Equal(TmelStatus.Generic, ex.Status);
        Assert.Equal(0x06u, ex.ExtendedError);
        Assert.Empty(rig.Simulator.Measurements);
    }

    [Fact]
    public async Task AuthenticateAsync_UntrustedRoot_IsRejectedAtTheRootOfTrust()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(TestImages.Firmware(identity: TestImages.Untrusted), Ct));

        Assert.Equal((TmelStatus.Generic, 0x05u), (ex.Status, ex.ExtendedError));
    }

    [Fact]
    public async Task AuthenticateAsync_WrongSoftwareId_IsRejectedAtTheSoftwareIdStep()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(0x0E, image.Metadata, image.LoadBase, image.CreateLoadImage(), Ct));

        Assert.Equal((TmelStatus.Generic, 0x03u), (ex.Status, ex.ExtendedError));
    }

    [Fact]
    public async Task AuthenticateAsync_SimulatedTimeBeforeTheCertificates_IsRejectedAtTheChain()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct, time: new FakeTimeProvider(TestImages.Issued.AddDays(-1)));

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct));

        Assert.Equal((TmelStatus.Generic, 0x04u), (ex.Status, ex.ExtendedError));
    }

    [Fact]
    public async Task AuthenticateAsync_CarveOutShorterThanTheImage_IsBadAddressForTheSegmentOutsideIt()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(image.SoftwareId, image.Metadata, image.LoadBase, image.CreateLoadImage().AsMemory(0, 0x1800), Ct));

        Assert.Equal((TmelStatus.BadAddress, SegmentHashError | (FirstLoadPhdr + 2)), (ex.Status, ex.ExtendedError)); // phdr[4] lies at +0x2000
    }

    [Fact]
    public async Task TearDownAsync_AfterAuthentication_RemovesTheMeasurement_AndASecondTearDownIsBadParameter()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);

        await rig.Client.TearDownAsync(TestImages.SwId, Ct);

        Assert.Empty(rig.Simulator.Measurements);
        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.TearDownAsync(TestImages.SwId, Ct));
        Assert.Equal(TmelStatus.BadParameter, ex.Status);
        Assert.Equal(TmelcomUid.TearDown, ex.Uid);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, ex.Origin);
    }

    [Fact]
    public async Task AuthenticateAsync_SoftwareIdAlreadyUp_IsBusy_UntilTornDown()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        TsimImage image = TestImages.Firmware();
        await rig.Client.AuthenticateAsync(image, Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.AuthenticateAsync(image, Ct));
        Assert.Equal((TmelStatus.Busy, 0x1008u), (ex.Status, ex.ExtendedError));
        Assert.Single(rig.Simulator.Measurements);

        await rig.Client.TearDownAsync(image.SoftwareId, Ct);
        Assert.Equal(TestImages.LinkAddress + 0x10, (await rig.Client.AuthenticateAsync(image, Ct)).EntryAddress);
        Assert.Equal(rig.SharedMemory.Size, rig.SharedMemory.FreeBytes);
    }

    [Fact]
    public async Task TearDownAsync_NeverAuthenticated_IsBadParameter()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);

        var ex = await Assert.ThrowsAsync<TmelServiceException>(() => rig.Client.TearDownAsync(0x21, Ct));

        Assert.Equal(TmelStatus.BadParameter, ex.Status);
    }

    [Fact]
    public async Task SimulatorRestart_ClientFails_DriverRebinds_AndTheNewTmeKnowsNoImage()
    {
        var time = new FakeTimeProvider(TestImages.Now);
        (Tmel.Transport.Qmp.QmpInMemoryMailbox apps, Tmel.Transport.Qmp.QmpInMemoryMailbox tme) = Tmel.Transport.Qmp.QmpInMemoryMailbox.CreatePair();
        var memory = new Tmel.Transport.Qmp.QmpSharedMemoryRegion(256 * 1024);
        var options = new TmelSimulatorOptions { SharedMemory = memory, Fuses = TestImages.Fuses() };
        await using var bus = new RpmsgBus(new Tmel.Transport.Qmp.QmpRpmsgTransport(new Tmel.Transport.Qmp.QmpLink(apps, Tmel.Transport.Qmp.QmpRole.Local, null, time)), null, time);
        var driver = new ImageAuthDriver(memory);
        await bus.RegisterDriverAsync(driver, Ct);
        var first = new TmelSimulator(tme, options, time);
        await first.StartAsync(Ct);
        ImageAuthClient before = await driver.WaitForClientAsync(Ct);
        await before.AuthenticateAsync(TestImages.Firmware(), Ct);

        await first.DisposeAsync();
        await WhenCancelled(before.Device!.Removed);
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => before.TearDownAsync(TestImages.SwId, Ct))).Error);

        await using var second = new TmelSimulator(tme, options, time);
        await second.StartAsync(Ct);
        ImageAuthClient after = await driver.WaitForClientAsync(Ct);
        Assert.NotSame(before, after);
        Assert.Equal(TmelStatus.BadParameter, (await Assert.ThrowsAsync<TmelServiceException>(() => after.TearDownAsync(TestImages.SwId, Ct))).Status);
        await after.AuthenticateAsync(TestImages.Firmware(), Ct);
        Assert.Single(second.Measurements);
    }

    [Fact]
    public async Task Measurements_AreCopies()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await rig.Client.AuthenticateAsync(TestImages.Firmware(), Ct);

        IReadOnlyList<TsimMeasurement> measurements = rig.Simulator.Measurements;
        measurements[0].Digest[0] ^= 0xFF;

        Assert.NotEqual(measurements[0].Digest, rig.Simulator.Measurements[0].Digest);
    }

    private static Task WhenCancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task.WaitAsync(Ct);
    }
}
