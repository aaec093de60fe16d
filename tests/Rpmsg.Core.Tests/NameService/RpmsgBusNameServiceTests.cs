using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.NameService;

public class RpmsgBusNameServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RpmsgEndpointOptions Echo => new() { Callback = (e, p, s) => e.TrySendTo(s, p) };

    [Fact]
    public async Task Announce_CreatesAnnouncedDeviceOnPeer_AndProbesMatchingDriver()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("client", "tmel-echo");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any, Echo);
        await pair.Remote.AnnounceAsync(service, "tmel-echo", Ct);

        RpmsgDevice device = await driver.Probed.NextAsync();
        Assert.Equal("tmel-echo", device.Name);
        Assert.Equal(service.Address, device.Destination);
        Assert.True(device.IsAnnounced);

        await device.DefaultEndpoint!.SendAsync(new byte[] { 7 }, Ct);
        using RpmsgMessage reply = await device.DefaultEndpoint.ReceiveAsync(Ct);
        Assert.Equal(7, reply.Span[0]);
    }

    [Fact]
    public async Task Withdraw_ByDisposingServiceEndpoint_RemovesDevice_AndPendingReadEnds()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("client", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await pair.Remote.AnnounceAsync(service, "svc", Ct);
        RpmsgDevice device = await driver.Probed.NextAsync();
        ValueTask<RpmsgMessage> pending = device.DefaultEndpoint!.ReceiveAsync(Ct);

        await service.DisposeAsync();

        Assert.Same(device, await driver.Removed.NextAsync());
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pending)).Error);
        await device.Removed.WhenCancelled().WaitAsync(Ct);
        Assert.Empty(pair.Local.Devices);
    }

    [Fact]
    public async Task LinkDown_RemovesAnnouncedDevicesOnly_LinkUp_RebuildsThemFromAnnouncements()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("client", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any, Echo);
        await pair.Remote.AnnounceAsync(service, "svc", Ct);
        RpmsgDevice announced = await driver.Probed.NextAsync();
        RpmsgDevice declared = await pair.Local.CreateDeviceAsync("static", RpmsgAddress.Any, 3000, Ct);

        pair.Link.SetLinkDown();
        Assert.Same(announced, await driver.Removed.NextAsync());
        await announced.Removed.WhenCancelled().WaitAsync(Ct);
        Assert.False(declared.IsRemoved);
        Assert.False(pair.Local.IsLinkUp);

        pair.Link.SetLinkUp();
        RpmsgDevice rebuilt = await driver.Probed.NextAsync();
        Assert.NotSame(announced, rebuilt);
        Assert.Equal(service.Address, rebuilt.Destination);
        await rebuilt.DefaultEndpoint!.SendAsync(new byte[] { 3 }, Ct);
        using RpmsgMessage reply = await rebuilt.DefaultEndpoint.ReceiveAsync(Ct);
        Assert.Equal(3, reply.Span[0]);
    }

    [Fact]
    public async Task Announce_WhileLinkDown_IsSentWhenLinkComesUp()
    {
        await using var pair = new BusPair();
        pair.Link.SetLinkDown();
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await pair.Remote.AnnounceAsync(service, "late", Ct);
        Task<RpmsgDevice> arrival = pair.Local.WaitForDeviceAsync("late", Ct);
        Assert.False(arrival.IsCompleted);
        pair.Link.SetLinkUp();
        Assert.Equal(service.Address, (await arrival).Destination);
    }

    [Fact]
    public async Task MalformedAnnouncements_AreCountedAndDropped_BusStaysHealthy()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint raw = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        byte[] good = new byte[40];
        new RpmsgNameServiceMessage("ok", 2000, RpmsgNameServiceFlags.Create).Write(good);

        byte[] noNul = (byte[])good.Clone();
        noNul.AsSpan(0, 32).Fill((byte)'n');
        byte[] badFlags = (byte[])good.Clone();
        badFlags[36] = 7;

        await raw.SendToAsync(RpmsgAddress.NameService, good.AsMemory(0, 39), Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, noNul, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, badFlags, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, Array.Empty<byte>(), Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, good, Ct);

        RpmsgDevice device = await pair.Local.WaitForDeviceAsync("ok", Ct);
        Assert.Equal(new RpmsgAddress(2000), device.Destination);
        Assert.Equal(4, pair.Local.GetStatistics().MalformedAnnouncements);
        Assert.Single(pair.Local.Devices);
    }

    [Theory]
    [InlineData(0x1_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task Announcement_AtAnAddressTheBusCannotSendTo_IsCountedAsMalformedAndDropped(uint address)
    {
        // The every-kind soak: a payload byte corrupted in the mailbox turned an announcement's address into 0x72000000, and
        // the typed client bound to that device failed every request with an untyped ArgumentOutOfRangeException.
        await using var pair = new BusPair(new RpmsgLoopbackOptions { MaxAddress = new RpmsgAddress(0xFFFF) });
        await using RpmsgEndpoint raw = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        byte[] outOfRange = new byte[40];
        new RpmsgNameServiceMessage("svc", address, RpmsgNameServiceFlags.Create).Write(outOfRange);
        byte[] marker = new byte[40];
        new RpmsgNameServiceMessage("marker", 0xFFFF, RpmsgNameServiceFlags.Create).Write(marker);

        await raw.SendToAsync(RpmsgAddress.NameService, outOfRange, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, marker, Ct);
        await pair.Local.WaitForDeviceAsync("marker", Ct);

        Assert.Single(pair.Local.Devices);
        Assert.Equal(1, pair.Local.GetStatistics().MalformedAnnouncements);
    }

    [Fact]
    public async Task DuplicateAnnouncement_IsIgnored_AndUnknownWithdrawalChangesNothing()
    {
        await using var pair = new BusPair();
        var driver = new RecordingDriver("client", "svc");
        await pair.Local.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint raw = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        byte[] create = new byte[40];
        new RpmsgNameServiceMessage("svc", 2000, RpmsgNameServiceFlags.Create).Write(create);
        byte[] unknown = new byte[40];
        new RpmsgNameServiceMessage("nothing", 2000, RpmsgNameServiceFlags.Destroy).Write(unknown);
        byte[] marker = new byte[40];
        new RpmsgNameServiceMessage("marker", 2001, RpmsgNameServiceFlags.Create).Write(marker);

        await raw.SendToAsync(RpmsgAddress.NameService, create, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, create, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, unknown, Ct);
        await raw.SendToAsync(RpmsgAddress.NameService, marker, Ct);
        await pair.Local.WaitForDeviceAsync("marker", Ct);

        Assert.Equal(2, pair.Local.Devices.Count);
        await driver.Probed.NextAsync();
        Assert.False(driver.Probed.Reader.TryRead(out _));
        Assert.Equal(0, pair.Local.GetStatistics().MalformedAnnouncements);
    }

    [Fact]
    public async Task Announce_BadArguments_Throw()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint foreign = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Remote.AnnounceAsync(service, "", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Remote.AnnounceAsync(foreign, "svc", Ct));
        await pair.Remote.AnnounceAsync(service, "svc", Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pair.Remote.AnnounceAsync(service, "svc2", Ct));

        RpmsgEndpoint closed = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await closed.DisposeAsync();
        await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => pair.Remote.AnnounceAsync(closed, "svc3", Ct));
    }
}
