using System.Collections.Concurrent;
using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Endpoints;

public class RpmsgEndpointReceiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReceiveAsync_ManyMessages_ArriveInSendOrder()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = 4 });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Task sending = Task.Run(
            async () =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    await sender.SendToAsync(2000, BitConverter.GetBytes(i), Ct);
                }
            },
            Ct);

        for (int i = 0; i < 1000; i++)
        {
            using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
            Assert.Equal(i, BitConverter.ToInt32(message.Span));
        }

        await sending;
    }

    [Fact]
    public async Task FullReceiveQueue_HoldsSenderBack_NothingLost()
    {
        const int Depth = 2, Capacity = 2, Total = 20;
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = Depth }, new RpmsgBusOptions { TxTimeout = Timeout.InfiniteTimeSpan });
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = Capacity });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Task sending = Task.Run(
            async () =>
            {
                for (int i = 0; i < Total; i++)
                {
                    await sender.SendToAsync(2000, BitConverter.GetBytes(i), Ct);
                }
            },
            Ct);

        // Nobody reads: the queue fills, delivery of the next frame waits holding its transmit credit, then the
        // transmit queue fills: Capacity frames queued, Depth frames taken by the transport.
        while (pair.Local.GetStatistics().MessagesSent < Capacity + Depth)
        {
            await Task.Yield();
        }

        Assert.False(sending.IsCompleted);
        Assert.False(sender.TrySendTo(2000, [0xFF]));
        for (int i = 0; i < Total; i++)
        {
            using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
            Assert.Equal(i, BitConverter.ToInt32(message.Span));
        }

        await sending;
        RpmsgBusStatistics stats = pair.Remote.GetStatistics();
        Assert.Equal(Total, stats.MessagesReceived);
        Assert.Equal(0, stats.MessagesDropped + stats.MessagesDiscarded);
    }

    [Fact]
    public async Task TryReceive_EmptyThenQueued()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint marker = pair.Remote.CreateEndpoint(2001);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.False(receiver.TryReceive(out _));
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        await sender.SendToAsync(2001, new byte[] { 2 }, Ct);
        using RpmsgMessage after = await marker.ReceiveAsync(Ct);
        Assert.True(receiver.TryReceive(out RpmsgMessage? message));
        using (message)
        {
            Assert.Equal(1, message.Span[0]);
        }
    }

    [Fact]
    public async Task Message_AfterDispose_PayloadThrows_AndImmediateSecondDisposeDoesNothing()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.SendToAsync(2000, new byte[] { 1, 2 }, Ct);
        RpmsgMessage message = await receiver.ReceiveAsync(Ct);
        Assert.Equal(2, message.Length);
        message.Dispose();
        message.Dispose();
        Assert.Throws<ObjectDisposedException>(() => message.Payload);
    }

    [Fact]
    public async Task ReceiveAsync_PendingWhenEndpointDisposed_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        ValueTask<RpmsgMessage> pending = receiver.ReceiveAsync(Ct);
        await receiver.DisposeAsync();
        var ex = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pending);
        Assert.Equal(RpmsgError.EndpointClosed, ex.Error);
        await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await receiver.ReceiveAsync(Ct));
    }

    [Fact]
    public async Task ReceiveAsync_Cancelled_ThrowsOperationCanceled_AndEndpointStillWorks()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        using var cts = new CancellationTokenSource();
        ValueTask<RpmsgMessage> pending = receiver.ReceiveAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        await sender.SendToAsync(2000, new byte[] { 9 }, Ct);
        using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
        Assert.Equal(9, message.Span[0]);
    }

    [Fact]
    public async Task ReceiveAsync_WithTokenCancelledWhileWaiting_LosesNoMessage_AndTheNextWaitWithATokenGetsIt()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        for (int round = 0; round < 3; round++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            ValueTask<RpmsgMessage> pending = receiver.ReceiveAsync(cts.Token);
            await cts.CancelAsync();
            OperationCanceledException cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
            Assert.Equal(cts.Token, cancelled.CancellationToken);

            await sender.SendToAsync(2000, new byte[] { (byte)round }, Ct);
            using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
            Assert.Equal(round, message.Span[0]);
        }
    }

    [Fact]
    public async Task ReceiveAsync_WithTokenPendingWhenEndpointDisposed_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        ValueTask<RpmsgMessage> pending = receiver.ReceiveAsync(cts.Token);

        await receiver.DisposeAsync();

        RpmsgEndpointClosedException closed = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pending);
        Assert.Equal(RpmsgError.EndpointClosed, closed.Error);
    }

    [Fact]
    public async Task ReceiveAsync_WithAlreadyCancelledToken_ThrowsOperationCanceled_AndTakesNoMessage()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await receiver.ReceiveAsync(cts.Token));

        await sender.SendToAsync(2000, new byte[] { 4 }, Ct);
        using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
        Assert.Equal(4, message.Span[0]);
    }

    [Fact]
    public async Task Dispose_WithQueuedMessages_FreesAndCountsThemAsDiscarded()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint marker = pair.Remote.CreateEndpoint(2001);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        await sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        await sender.SendToAsync(2001, new byte[] { 3 }, Ct);
        using RpmsgMessage after = await marker.ReceiveAsync(Ct);
        await receiver.DisposeAsync();
        RpmsgBusStatistics stats = pair.Remote.GetStatistics();
        Assert.Equal(3, stats.MessagesReceived);
        Assert.Equal(2, stats.MessagesDiscarded);
    }

    [Fact]
    public async Task ReadAllAsync_EndsWhenEndpointDisposed()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        var seen = new List<byte>();
        Task reading = Task.Run(
            async () =>
            {
                await foreach (RpmsgMessage message in receiver.ReadAllAsync(Ct))
                {
                    using (message)
                    {
                        seen.Add(message.Span[0]);
                        if (seen.Count == 3)
                        {
                            await receiver.DisposeAsync();
                        }
                    }
                }
            },
            Ct);

        for (byte i = 1; i <= 3; i++)
        {
            await sender.SendToAsync(2000, new[] { i }, Ct);
        }

        await reading;
        Assert.Equal(new byte[] { 1, 2, 3 }, seen);
    }

    [Fact]
    public async Task Callback_ReceivesPayloadAndSource_InOrder()
    {
        await using var pair = new BusPair();
        var seen = new ConcurrentQueue<(byte Value, RpmsgAddress Source)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions
        {
            Callback = (ept, payload, source) =>
            {
                seen.Enqueue((payload[0], source));
                if (seen.Count == 50)
                {
                    done.SetResult();
                }
            },
        });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(1500);
        for (int i = 0; i < 50; i++)
        {
            await sender.SendToAsync(2000, new[] { (byte)i }, Ct);
        }

        await done.Task.WaitAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(new RpmsgAddress(1500), s.Source));
        Assert.True(receiver.HasCallback);
    }

    [Fact]
    public async Task CallbackEndpoint_ReceiveAsync_ThrowsInvalidOperation()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { Callback = (_, _, _) => { } });
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await receiver.ReceiveAsync(Ct));
        Assert.Throws<InvalidOperationException>(() => receiver.TryReceive(out _));
    }

    [Fact]
    public async Task Callback_Throws_IsCountedAndDeliveryContinues()
    {
        await using var pair = new BusPair();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions
        {
            Callback = (_, payload, _) =>
            {
                if (payload[0] == 1)
                {
                    throw new InvalidOperationException("boom");
                }

                done.SetResult();
            },
        });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        await sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        await done.Task.WaitAsync(Ct);
        Assert.Equal(1, pair.Remote.GetStatistics().CallbackFailures);
    }

    [Fact]
    public async Task Callback_CanSendAndDisposeItsOwnEndpoint()
    {
        await using var pair = new BusPair();
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RpmsgEndpoint? self = null;
        self = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions
        {
            Callback = (ept, payload, source) =>
            {
                Assert.True(ept.TrySendTo(source, payload));
                ValueTask dispose = ept.DisposeAsync();
                Assert.True(dispose.IsCompleted, "disposing from inside the callback must not wait for that callback");
                disposed.SetResult();
            },
        });
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.SendToAsync(2000, new byte[] { 5 }, Ct);
        using RpmsgMessage echo = await sender.ReceiveAsync(Ct);
        await disposed.Task.WaitAsync(Ct);
        Assert.True(self.IsClosed);
    }

    [Fact]
    public async Task Dispose_WaitsForRunningCallback()
    {
        await using var pair = new BusPair();
        BlockingCallback blocker = pair.CreateBlocker();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, blocker.Options);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        await blocker.Entered.WaitAsync(Ct);

        ValueTask disposing = receiver.DisposeAsync();
        Assert.False(disposing.IsCompleted);
        blocker.Release();
        await disposing;
        Assert.True(receiver.IsClosed);
    }

    [Fact]
    public async Task ClosedCallbackEndpoint_LaterMessagesAreNotDelivered()
    {
        await using var pair = new BusPair();
        int calls = 0;
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, new RpmsgEndpointOptions { Callback = (_, _, _) => Interlocked.Increment(ref calls) });
        await using RpmsgEndpoint marker = pair.Remote.CreateEndpoint(2001);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await receiver.DisposeAsync();
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        await sender.SendToAsync(2001, new byte[] { 2 }, Ct);
        using RpmsgMessage after = await marker.ReceiveAsync(Ct);
        Assert.Equal(0, calls);
        Assert.Equal(1, pair.Remote.GetStatistics().MessagesDropped);
    }
}
