using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Endpoints;

/// <summary>Waiting sends, with or without a caller token: they wait on the endpoint's reusable send operation, or, while that is taken, on an async method.</summary>
public class RpmsgEndpointWaitingSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendToAsync_TwoWaitingAtOnceWithoutToken_BothCompleteAfterRoom_AndTheOperationIsFreeAgain()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, new RpmsgBusOptions { TxTimeout = Timeout.InfiniteTimeSpan });
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);

        ValueTask first = sender.SendToAsync(2000, new byte[] { 2 }, CancellationToken.None);
        ValueTask second = sender.SendToAsync(2000, new byte[] { 3 }, CancellationToken.None);
        Assert.False(first.IsCompleted || second.IsCompleted, "with no transmit room both sends wait");
        Assert.False(sender.IsSendOperationIdle, "the first waiting send took the reusable operation; the second fell back");

        blocker.Release();
        await first.AsTask().WaitAsync(Ct);
        await second.AsTask().WaitAsync(Ct);

        Assert.True(sender.IsSendOperationIdle, "the operation is back once its send was awaited");
        Assert.Equal(3, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendToAsync_WaitingWithoutToken_EndpointDisposed_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, new RpmsgBusOptions { TxTimeout = Timeout.InfiniteTimeSpan });
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);

        ValueTask waiting = sender.SendToAsync(2000, new byte[] { 2 }, CancellationToken.None);
        await sender.DisposeAsync();

        RpmsgEndpointClosedException closed = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => waiting.AsTask().WaitAsync(Ct));
        Assert.Equal(RpmsgError.EndpointClosed, closed.Error);
        Assert.Equal(1, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendToAsync_WaitingWithToken_CallerCancels_OperationCanceledWithTheCallersToken_AndTheNextSendWithTheSameTokenSourceWorks()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, new RpmsgBusOptions { TxTimeout = Timeout.InfiniteTimeSpan });
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        ValueTask waiting = sender.SendToAsync(2000, new byte[] { 2 }, caller.Token);
        Assert.False(waiting.IsCompleted, "no transmit room: the send waits");
        await caller.CancelAsync();

        OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask().WaitAsync(Ct));
        Assert.Equal(caller.Token, cancelled.CancellationToken);
        Assert.True(sender.IsSendOperationIdle, "the operation is back after the cancelled send");
        blocker.Release();
        await sender.SendToAsync(2000, new byte[] { 3 }, Ct).AsTask().WaitAsync(Ct);
        Assert.Equal(2, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendToAsync_WaitingWithToken_EndpointDisposed_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, new RpmsgBusOptions { TxTimeout = Timeout.InfiniteTimeSpan });
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);

        ValueTask waiting = sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        await sender.DisposeAsync();

        RpmsgEndpointClosedException closed = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => waiting.AsTask().WaitAsync(Ct));
        Assert.Equal(RpmsgError.EndpointClosed, closed.Error);
        Assert.Equal(1, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendToAsync_ManyWithOneToken_AllSentInOrder()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 });
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        for (int i = 0; i < 200; i++)
        {
            await sender.SendToAsync(2000, BitConverter.GetBytes(i), caller.Token);
            using RpmsgMessage message = await receiver.ReceiveAsync(caller.Token);
            Assert.Equal(i, BitConverter.ToInt32(message.Span));
        }

        Assert.True(sender.IsSendOperationIdle);
    }
}
