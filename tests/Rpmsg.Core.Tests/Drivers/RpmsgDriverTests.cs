using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Drivers;

public class RpmsgDriverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterDriver_ExistingMatchingDevice_IsProbedWithDefaultEndpoint()
    {
        await using var pair = new BusPair();
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.Null(device.Driver);
        Assert.Equal(RpmsgAddress.Any, device.Source);

        var driver = new RecordingDriver("drv", "other", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);

        Assert.Same(device, await driver.Probed.NextAsync());
        Assert.Same(driver, device.Driver);
        Assert.NotNull(device.DefaultEndpoint);
        Assert.Equal(device.DefaultEndpoint.Address, device.Source);
        Assert.True(device.Source >= RpmsgAddress.FirstDynamic);
        Assert.Equal(new RpmsgAddress(2000), device.DefaultEndpoint.DefaultDestination);
        Assert.Same(device, device.DefaultEndpoint.Device);
    }

    [Fact]
    public async Task CreateDevice_WithRegisteredDriver_IsProbed_AndFixedSourceIsUsed()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("drv", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", 700, 2000, Ct);
        Assert.Same(device, await driver.Probed.NextAsync());
        Assert.Equal(new RpmsgAddress(700), device.Source);
    }

    [Fact]
    public async Task Device_NotInIdTable_IsNotProbed()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("drv", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc2", RpmsgAddress.Any, 2000, Ct);
        Assert.Null(device.Driver);
        Assert.False(driver.Probed.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Driver_WithCallbackOptions_DefaultEndpointUsesCallback()
    {
        await using var pair = new BusPair();
        var received = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = new RecordingDriver("drv", "svc")
        {
            DefaultEndpointOptions = new RpmsgEndpointOptions { Callback = (_, payload, _) => received.TrySetResult(payload[0]) },
        };
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.True(device.DefaultEndpoint!.HasCallback);

        await using RpmsgEndpoint peer = pair.Remote.CreateEndpoint(2000);
        await peer.SendToAsync(device.Source, new byte[] { 42 }, Ct);
        Assert.Equal(42, await received.Task.WaitAsync(Ct));
    }

    [Fact]
    public async Task Probe_Throws_DeviceStaysUnbound_IsCounted_AndBusStaysHealthy()
    {
        await using var pair = new BusPair();
        var failing = new RecordingDriver("bad", "svc") { OnProbe = (_, _) => throw new InvalidOperationException("probe failed") };
        await pair.Local.RegisterDriverAsync(failing, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);

        Assert.Null(device.Driver);
        Assert.Null(device.DefaultEndpoint);
        Assert.Equal(1, pair.Local.GetStatistics().ProbeFailures);

        var good = new RecordingDriver("good", "svc");
        await pair.Local.RegisterDriverAsync(good, Ct);
        Assert.Same(device, await good.Probed.NextAsync());

        await using RpmsgEndpoint echo = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { Callback = (e, p, s) => e.TrySendTo(s, p) });
        await device.DefaultEndpoint!.SendAsync(new byte[] { 1 }, Ct);
        using RpmsgMessage reply = await device.DefaultEndpoint.ReceiveAsync(Ct);
        Assert.Equal(1, reply.Span[0]);
    }

    [Fact]
    public async Task Probe_Throws_EndpointsItCreatedAreClosed()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint? extra = null;
        var failing = new RecordingDriver("bad", "svc")
        {
            OnProbe = (device, _) =>
            {
                extra = device.CreateEndpoint(900);
                throw new InvalidOperationException("probe failed");
            },
        };
        await pair.Local.RegisterDriverAsync(failing, Ct);
        await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.True(extra!.IsClosed);
        await using RpmsgEndpoint again = pair.Local.CreateEndpoint(900);
    }

    [Fact]
    public async Task RemoveDevice_CallsRemove_AndPendingReadsEndWithDeviceRemoved()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("drv", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        RpmsgEndpoint defaultEndpoint = device.DefaultEndpoint!;
        RpmsgEndpoint extra = device.CreateEndpoint(RpmsgAddress.Any);
        ValueTask<RpmsgMessage> pendingDefault = defaultEndpoint.ReceiveAsync(Ct);
        ValueTask<RpmsgMessage> pendingExtra = extra.ReceiveAsync(Ct);

        await pair.Local.RemoveDeviceAsync(device, Ct);

        Assert.Same(device, await driver.Removed.NextAsync());
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pendingDefault)).Error);
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pendingExtra)).Error);
        Assert.True(device.IsRemoved);
        Assert.True(device.Removed.IsCancellationRequested);
        Assert.DoesNotContain(device, pair.Local.Devices);
        Assert.Equal(RpmsgError.DeviceRemoved, Assert.Throws<RpmsgEndpointClosedException>(() => device.CreateEndpoint(RpmsgAddress.Any)).Error);
        await pair.Local.RemoveDeviceAsync(device, Ct);
    }

    [Fact]
    public async Task Remove_Throws_EndpointsAreClosedAnyway()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("drv", "svc") { OnRemove = (_, _) => throw new InvalidOperationException("remove failed") };
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        RpmsgEndpoint endpoint = device.DefaultEndpoint!;
        await pair.Local.RemoveDeviceAsync(device, Ct);
        Assert.True(endpoint.IsClosed);
        Assert.True(device.IsRemoved);
    }

    [Fact]
    public async Task UnregisterDriver_RemovesFromDevices_AndOffersThemToOtherDrivers()
    {
        await using var pair = new BusPair();
        var first = new RecordingDriver("first", "svc");
        var second = new RecordingDriver("second", "svc");
        await pair.Local.RegisterDriverAsync(first, Ct);
        await pair.Local.RegisterDriverAsync(second, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.Same(first, device.Driver);
        RpmsgEndpoint firstEndpoint = device.DefaultEndpoint!;

        await pair.Local.UnregisterDriverAsync(first, Ct);

        Assert.Same(device, await first.Removed.NextAsync());
        Assert.True(firstEndpoint.IsClosed);
        Assert.Same(second, device.Driver);
        Assert.False(device.IsRemoved);
        await pair.Local.UnregisterDriverAsync(first, Ct);
    }

    [Fact]
    public async Task RegisterDriver_Twice_Throws()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("drv", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pair.Local.RegisterDriverAsync(driver, Ct));
    }

    [Fact]
    public async Task RegisterDriver_EmptyIdTable_Throws()
    {
        await using var pair = new BusPair();
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.RegisterDriverAsync(new RecordingDriver("drv"), Ct));
    }

    [Fact]
    public async Task Probe_CallingLifecycleOperations_ThrowsInsteadOfDeadlocking()
    {
        await using var pair = new BusPair();
        Exception? seen = null;
        var driver = new RecordingDriver("drv", "svc")
        {
            OnProbe = async (device, ct) =>
            {
                seen = await Record.ExceptionAsync(() => device.Bus.RegisterDriverAsync(new RecordingDriver("x", "y"), ct));
                device.CreateEndpoint(RpmsgAddress.Any);
            },
        };
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        Assert.IsType<InvalidOperationException>(seen);
        Assert.Same(driver, device.Driver);
    }

    [Fact]
    public async Task CreateDevice_Duplicate_ThrowsDeviceExists()
    {
        await using var pair = new BusPair();
        await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        var ex = await Assert.ThrowsAsync<RpmsgException>(() => pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct));
        Assert.Equal(RpmsgError.DeviceExists, ex.Error);
        await pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2001, Ct);
    }

    [Fact]
    public async Task CreateDevice_BadArguments_Throw()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { MaxAddress = 0xFFFE });
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.CreateDeviceAsync("", RpmsgAddress.Any, 2000, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.CreateDeviceAsync(new string('a', 32), RpmsgAddress.Any, 2000, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, RpmsgAddress.Any, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pair.Local.CreateDeviceAsync("svc", RpmsgAddress.Any, 0x10000, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pair.Local.CreateDeviceAsync("svc", 0x10000, 2000, Ct));
    }

    [Fact]
    public async Task RemoveDevice_OfAnotherBus_Throws()
    {
        await using var pair = new BusPair();
        RpmsgDevice device = await pair.Remote.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.RemoveDeviceAsync(device, Ct));
    }

    [Fact]
    public async Task WaitForDevice_ReturnsExistingOrFutureDevice_AndHonoursCancellation()
    {
        await using var pair = new BusPair();
        Task<RpmsgDevice> waiting = pair.Local.WaitForDeviceAsync("later", Ct);
        Assert.False(waiting.IsCompleted);
        RpmsgDevice created = await pair.Local.CreateDeviceAsync("later", RpmsgAddress.Any, 2000, Ct);
        Assert.Same(created, await waiting);
        Assert.Same(created, await pair.Local.WaitForDeviceAsync("later", Ct));

        using var cts = new CancellationTokenSource();
        Task<RpmsgDevice> never = pair.Local.WaitForDeviceAsync("never", cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => never);
    }
}
