using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Endpoints;

/// <summary>The full-queue policy: one endpoint nobody reads stalls its direction for at most its bound, then its message is dropped and counted.</summary>
public class RpmsgEndpointQueueFullTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliver_QueueFullNobodyReads_NameServiceAndEchoFlowAfterTheBound()
    {
        await using var pair = new BusPair(busOptions: new RpmsgBusOptions { ReceiveQueueFullTimeout = s_bound });
        var driver = new RecordingDriver("drv", "svc");
        await pair.Remote.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint full = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = 1 });
        await using RpmsgEndpoint echo = pair.Remote.CreateEndpoint(2001, new RpmsgEndpointOptions { Callback = static (endpoint, payload, source) => endpoint.TrySendTo(source, payload) });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint service = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        Assert.True(sender.TrySendTo(2000, [1]));
        Assert.True(sender.TrySendTo(2000, [2]));
        await WaitUntilAsync(() => full.IsDeliveryWaiting);

        // Both wait behind the message for the full queue: an announcement and an echo request.
        Task announced = pair.Local.AnnounceAsync(service, "svc", Ct);
        await sender.SendToAsync(2001, new byte[] { 3 }, Ct);
        ValueTask<RpmsgMessage> reply = sender.ReceiveAsync(Ct);

        pair.FakeTime.Advance(s_bound - TimeSpan.FromMilliseconds(1));
        Assert.False(reply.IsCompleted);
        Assert.Equal(0, pair.Remote.GetStatistics().MessagesOverflowed);

        pair.FakeTime.Advance(TimeSpan.FromMilliseconds(1));
        using (RpmsgMessage echoed = await reply)
        {
            Assert.Equal([3], echoed.Span.ToArray());
        }

        RpmsgDevice device = await driver.Probed.NextAsync();
        Assert.Equal("svc", device.Name);
        await announced;
        Assert.Equal(1, pair.Remote.GetStatistics().MessagesOverflowed);
        using RpmsgMessage kept = await full.ReceiveAsync(Ct);
        Assert.Equal([1], kept.Span.ToArray());
        Assert.False(full.TryReceive(out _));
    }

    [Fact]
    public async Task Deliver_QueueFullZeroBound_DropsAtOnceAndCounts()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint full = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = 1, ReceiveQueueFullTimeout = TimeSpan.Zero });
        await using RpmsgEndpoint echo = pair.Remote.CreateEndpoint(2001, new RpmsgEndpointOptions { Callback = static (endpoint, payload, source) => endpoint.TrySendTo(source, payload) });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        Assert.True(sender.TrySendTo(2000, [1]));
        Assert.True(sender.TrySendTo(2000, [2]));
        await sender.SendToAsync(2001, new byte[] { 3 }, Ct);

        using (RpmsgMessage echoed = await sender.ReceiveAsync(Ct))
        {
            Assert.Equal([3], echoed.Span.ToArray());
        }

        RpmsgBusStatistics stats = pair.Remote.GetStatistics();
        Assert.Equal(1, stats.MessagesOverflowed);
        Assert.Equal(3, stats.MessagesReceived);
        using RpmsgMessage kept = await full.ReceiveAsync(Ct);
        Assert.Equal([1], kept.Span.ToArray());
    }

    [Fact]
    public async Task Deliver_ReaderFreesRoomWithinTheBound_NothingDropped()
    {
        await using var pair = new BusPair(busOptions: new RpmsgBusOptions { ReceiveQueueFullTimeout = s_bound });
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = 1 });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        Assert.True(sender.TrySendTo(2000, [1]));
        Assert.True(sender.TrySendTo(2000, [2]));
        await WaitUntilAsync(() => receiver.IsDeliveryWaiting);
        pair.FakeTime.Advance(s_bound - TimeSpan.FromMilliseconds(1));

        using (RpmsgMessage first = await receiver.ReceiveAsync(Ct))
        {
            Assert.Equal([1], first.Span.ToArray());
        }

        using (RpmsgMessage second = await receiver.ReceiveAsync(Ct))
        {
            Assert.Equal([2], second.Span.ToArray());
        }

        pair.FakeTime.Advance(s_bound);
        Assert.Equal(0, pair.Remote.GetStatistics().MessagesOverflowed);
    }

    [Fact]
    public async Task CreateEndpoint_NegativeOrInfiniteQueueFullTimeout_Throws()
    {
        await using var pair = new BusPair();
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { ReceiveQueueFullTimeout = Timeout.InfiniteTimeSpan }));
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { ReceiveQueueFullTimeout = TimeSpan.FromMilliseconds(-5) }));
    }

    [Fact]
    public void RpmsgBus_InfiniteQueueFullTimeout_Throws()
    {
        var link = new RpmsgLoopback();
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new RpmsgBus(link.First, new RpmsgBusOptions { ReceiveQueueFullTimeout = Timeout.InfiniteTimeSpan }));
        Assert.Equal(nameof(RpmsgBusOptions.ReceiveQueueFullTimeout), error.ParamName);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            Ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
