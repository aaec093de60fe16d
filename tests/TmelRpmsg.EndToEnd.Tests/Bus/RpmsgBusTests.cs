using Rpmsg.Core;
using Tmel.Services.Echo;
using TmelRpmsg.EndToEnd.Tests.Support;

namespace TmelRpmsg.EndToEnd.Tests.Bus;

/// <summary>The bus's channel helpers in the hosted stack: waits are measured by the host's (fake) clock.</summary>
public class RpmsgBusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenChannelAsync_AnnouncedChannel_BindsAnEndpointToTheService()
    {
        await using TestHost host = TestHost.Build();
        await host.StartAsync(Ct);

        await using RpmsgEndpoint endpoint = await host.Bus.OpenChannelAsync(EchoClient.ChannelName, TimeSpan.FromSeconds(1), cancellationToken: Ct);
        await endpoint.SendAsync(new byte[] { 1, 2, 3 }, Ct);
        using RpmsgMessage reply = await endpoint.ReceiveAsync(Ct);

        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Span.ToArray());
        RpmsgDevice device = Assert.Single(host.Bus.Devices, d => d.Name == EchoClient.ChannelName);
        Assert.Equal(device.Destination, reply.Source);
        Assert.NotEqual(device.DefaultEndpoint!.Address, endpoint.Address);
    }

    [Fact]
    public async Task WaitForDeviceAsync_NoSuchChannel_TimesOutByTheHostClock_NamingTheChannel()
    {
        await using TestHost host = TestHost.Build();
        await host.StartAsync(Ct);

        Task<RpmsgDevice> wait = host.Bus.WaitForDeviceAsync("tmel-nothing", TimeSpan.FromMilliseconds(500), Ct);
        host.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(wait.IsCompleted);
        host.Time.Advance(TimeSpan.FromMilliseconds(1));

        TimeoutException ex = await Assert.ThrowsAsync<TimeoutException>(() => wait);
        Assert.Equal("No device for channel 'tmel-nothing' appeared within 500 ms.", ex.Message);
    }

    [Fact]
    public async Task OpenChannelAsync_NoSuchChannel_TimesOutNamingTheChannel()
    {
        await using TestHost host = TestHost.Build();
        await host.StartAsync(Ct);

        Task<RpmsgEndpoint> open = host.Bus.OpenChannelAsync("tmel-missing", TimeSpan.FromSeconds(2), cancellationToken: Ct);
        host.Time.Advance(TimeSpan.FromSeconds(2));

        TimeoutException ex = await Assert.ThrowsAsync<TimeoutException>(() => open);
        Assert.Contains("'tmel-missing'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForDeviceAsync_DeviceAnnouncedBeforeTheTimeout_Completes()
    {
        await using TestHost host = TestHost.Build();

        // Asked before the host starts: the bus exists, the link is not up, the announcement comes later.
        Task<RpmsgDevice> wait = host.Bus.WaitForDeviceAsync(EchoClient.ChannelName, TimeSpan.FromSeconds(1), Ct);
        await host.StartAsync(Ct);

        RpmsgDevice device = await wait;
        Assert.Equal(EchoClient.ChannelName, device.Name);
    }

    [Fact]
    public async Task WaitForDeviceAsync_NegativeTimeout_Throws_InfiniteWaitsForCancellation()
    {
        await using TestHost host = TestHost.Build();
        await host.StartAsync(Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Bus.WaitForDeviceAsync("x", TimeSpan.FromMilliseconds(-5), Ct));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<RpmsgDevice> infinite = host.Bus.WaitForDeviceAsync("x", Timeout.InfiniteTimeSpan, cts.Token);
        host.Time.Advance(TimeSpan.FromHours(1));
        Assert.False(infinite.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => infinite);
    }
}
