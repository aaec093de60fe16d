using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests;

public class TmelSimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task WhenCancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }

    [Fact]
    public async Task EchoDriver_BoundByAnnouncement_GetsEverySizeBack()
    {
        var time = new FakeTimeProvider();
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        await using var simulator = new TmelSimulator(tme, null, time);
        await using var bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, time)), null, time);
        var driver = new EchoClientDriver();
        await bus.RegisterDriverAsync(driver, Ct);
        await simulator.StartAsync(Ct);

        RpmsgDevice device = await driver.Probed.Reader.ReadAsync(Ct);
        Assert.Equal(TmelSimulator.EchoChannel, device.Name);
        Assert.True(device.IsAnnounced);
        foreach (int size in new[] { 1, 24, 25, 6144 })
        {
            byte[] request = Enumerable.Range(0, size).Select(i => (byte)(i ^ size)).ToArray();
            Assert.Equal(request, await EchoClientDriver.EchoAsync(device, request, Ct));
        }

        Assert.Equal(0, bus.GetStatistics().MessagesDropped);
    }

    [Fact]
    public async Task SimulatorRestart_WithdrawsThenReannounces_DriverIsProbedAgain_AndEchoWorks()
    {
        var time = new FakeTimeProvider();
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        await using var bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, time)), null, time);
        var driver = new EchoClientDriver();
        await bus.RegisterDriverAsync(driver, Ct);

        var first = new TmelSimulator(tme, null, time);
        await first.StartAsync(Ct);
        RpmsgDevice before = await driver.Probed.Reader.ReadAsync(Ct);
        Assert.Equal(new byte[] { 1 }, await EchoClientDriver.EchoAsync(before, [1], Ct));

        await first.DisposeAsync();
        Assert.Same(before, await driver.Removed.Reader.ReadAsync(Ct));
        await WhenCancelled(before.Removed).WaitAsync(Ct);

        await using var second = new TmelSimulator(tme, null, time);
        await second.StartAsync(Ct);
        RpmsgDevice after = await driver.Probed.Reader.ReadAsync(Ct);
        Assert.NotSame(before, after);
        Assert.Equal(new byte[] { 2, 3 }, await EchoClientDriver.EchoAsync(after, [2, 3], Ct));
    }

    [Fact]
    public async Task Start_BeforeTheLocalSideExists_AnnouncesOnceTheChannelConnects()
    {
        var time = new FakeTimeProvider();
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        await using var simulator = new TmelSimulator(tme, null, time);
        await simulator.StartAsync(Ct);
        Assert.False(simulator.Bus.IsLinkUp);

        await using var bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, time)), null, time);
        RpmsgDevice device = await bus.WaitForDeviceAsync(TmelSimulator.EchoChannel, Ct);
        await using RpmsgEndpoint client = device.CreateEndpoint(RpmsgAddress.Any);
        await client.SendAsync(new byte[] { 9 }, Ct);
        using RpmsgMessage reply = await client.ReceiveAsync(Ct);
        Assert.Equal(9, reply.Span[0]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => simulator.StartAsync(Ct));
    }
}
