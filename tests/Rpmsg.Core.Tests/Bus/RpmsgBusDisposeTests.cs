using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Bus;

public class RpmsgBusDisposeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dispose_EndsEveryPendingOperationWithATypedError()
    {
        var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 });
        var driver = new RecordingDriver("drv", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        RpmsgEndpoint standalone = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        ValueTask<RpmsgMessage> pendingDevice = device.DefaultEndpoint!.ReceiveAsync(Ct);
        ValueTask<RpmsgMessage> pendingStandalone = standalone.ReceiveAsync(Ct);
        Task<RpmsgDevice> pendingWait = pair.Local.WaitForDeviceAsync("never", Ct);

        // A send waiting for transmit room: the peer's delivery is held by a blocked callback.
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        Assert.True(standalone.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);
        ValueTask pendingSend = standalone.SendToAsync(2000, new byte[] { 2 }, Ct);

        await pair.Local.DisposeAsync();

        Assert.Equal(RpmsgError.BusDisposed, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pendingDevice)).Error);
        Assert.Equal(RpmsgError.BusDisposed, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pendingStandalone)).Error);
        Assert.Equal(RpmsgError.BusDisposed, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pendingSend)).Error);
        Assert.Equal(RpmsgError.BusDisposed, (await Assert.ThrowsAsync<RpmsgException>(() => pendingWait)).Error);
        Assert.Same(device, await driver.Removed.NextAsync());
        Assert.True(device.IsRemoved);

        Assert.Throws<ObjectDisposedException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pair.Local.RegisterDriverAsync(new RecordingDriver("x", "y"), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pair.Local.WaitForDeviceAsync("x", Ct));
        await pair.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_PeerSeesLinkDown_AndRemovesAnnouncedDevices()
    {
        var pair = new BusPair();
        var driver = new RecordingDriver("client", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await pair.Remote.AnnounceAsync(service, "svc", Ct);
        RpmsgDevice device = await driver.Probed.NextAsync();

        await pair.Remote.DisposeAsync();

        await device.Removed.WhenCancelled().WaitAsync(Ct);
        Assert.False(pair.Local.IsLinkUp);
        Assert.Empty(pair.Local.Devices);
        await pair.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_Twice_IsHarmless()
    {
        var pair = new BusPair();
        await pair.Local.DisposeAsync();
        await pair.Local.DisposeAsync();
        await pair.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_FromProbe_ThrowsInsteadOfDeadlocking()
    {
        await using var pair = new BusPair();
        Exception? seen = null;
        var driver = new RecordingDriver("drv", "svc") { OnProbe = async (d, _) => seen = await Record.ExceptionAsync(async () => await d.Bus.DisposeAsync()) };
        await pair.Local.RegisterDriverAsync(driver, Ct);
        await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.IsType<InvalidOperationException>(seen);
    }

    [Fact]
    public void Constructor_BadOptions_Throw()
    {
        var link = new RpmsgLoopback();
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpmsgBus(link.First, new RpmsgBusOptions { TxTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpmsgBus(link.First, new RpmsgBusOptions { ReceiveQueueCapacity = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpmsgBus(link.First, new RpmsgBusOptions { LifecycleQueueCapacity = 0 }));
        Assert.Throws<ArgumentNullException>(() => new RpmsgBus(null!));
    }
}
