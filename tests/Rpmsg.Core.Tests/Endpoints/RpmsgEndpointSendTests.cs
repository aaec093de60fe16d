using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Endpoints;

public class RpmsgEndpointSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RpmsgBusOptions Options => new() { TxTimeout = TimeSpan.FromMilliseconds(1000) };

    /// <summary>
    /// With a transmit queue of depth 1: sends one message (which the transport then holds, since the receiving
    /// callback at 2000 blocks the peer's delivery), so there is no transmit room until the blocker is released.
    /// The sender is disposed with the pair.
    /// </summary>
    private static async Task<(BlockingCallback Blocker, RpmsgEndpoint Sender)> FillTransmitQueueAsync(BusPair pair)
    {
        BlockingCallback blocker = pair.CreateBlocker();
        pair.Remote.CreateEndpoint(2000, blocker.Options);
        RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);
        return (blocker, sender);
    }

    [Fact]
    public async Task SendForms_DeliverWithTheRightAddresses()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("chan", RpmsgAddress.Any, 2000, Ct);
        await using RpmsgEndpoint sender = device.CreateEndpoint(1500);

        await sender.SendAsync(new byte[] { 1 }, Ct);
        Assert.True(sender.TrySend([2]));
        await sender.SendToAsync(2000, new byte[] { 3 }, Ct);
        Assert.True(sender.TrySendTo(2000, [4]));
        await sender.SendOffChannelAsync(77, 2000, new byte[] { 5 }, Ct);
        Assert.True(sender.TrySendOffChannel(78, 2000, [6]));

        var expectedSources = new uint[] { 1500, 1500, 1500, 1500, 77, 78 };
        for (int i = 0; i < 6; i++)
        {
            using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
            Assert.Equal(new byte[] { (byte)(i + 1) }, message.Span.ToArray());
            Assert.Equal(expectedSources[i], message.Source.Value);
            Assert.Equal(2000u, message.Destination.Value);
        }

        Assert.Equal(6, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task EverySendForm_PayloadOverMtu_ThrowsAndSendsNothing()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { Mtu = 32 });
        await using RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("chan", RpmsgAddress.Any, 2000, Ct);
        await using RpmsgEndpoint sender = device.CreateEndpoint(RpmsgAddress.Any);
        byte[] big = new byte[33];
        Assert.Equal(32, sender.Mtu);

        Assert.Throws<ArgumentOutOfRangeException>(() => sender.TrySend(big));
        Assert.Throws<ArgumentOutOfRangeException>(() => sender.TrySendTo(2000, big));
        Assert.Throws<ArgumentOutOfRangeException>(() => sender.TrySendOffChannel(1, 2000, big));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sender.SendAsync(big, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sender.SendToAsync(2000, big, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sender.SendOffChannelAsync(1, 2000, big, Ct));

        await sender.SendAsync(new byte[32], Ct);
        using RpmsgMessage message = await receiver.ReceiveAsync(Ct);
        Assert.Equal(32, message.Length);
        Assert.Equal(1, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task Send_WithoutDefaultDestination_ThrowsInvalidOperation()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint standalone = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Equal(RpmsgAddress.Any, standalone.DefaultDestination);
        Assert.Throws<InvalidOperationException>(() => standalone.TrySend([1]));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await standalone.SendAsync(new byte[] { 1 }, Ct));
    }

    [Fact]
    public async Task Send_ToAnyOrFromAny_ThrowsArgumentException()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Throws<ArgumentException>(() => sender.TrySendTo(RpmsgAddress.Any, [1]));
        Assert.Throws<ArgumentException>(() => sender.TrySendOffChannel(RpmsgAddress.Any, 5, [1]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await sender.SendOffChannelAsync(RpmsgAddress.Any, 5, new byte[] { 1 }, Ct));
    }

    [Fact]
    public async Task Send_AfterDispose_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await sender.DisposeAsync();
        var ex = Assert.Throws<RpmsgEndpointClosedException>(() => sender.TrySendTo(5, [1]));
        Assert.Equal(RpmsgError.EndpointClosed, ex.Error);
        Assert.Equal(sender.Address, ex.Address);
        await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await sender.SendToAsync(5, new byte[] { 1 }, Ct));
    }

    [Fact]
    public async Task TrySend_NoRoom_ReturnsFalse_AndSucceedsOnceRoomFrees()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        BlockingCallback blocker = pair.CreateBlocker();
        RpmsgEndpoint receiver = pair.Remote.CreateEndpoint(2000, blocker.Options);
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        Assert.True(sender.TrySendTo(2000, [1]));
        await blocker.Entered.WaitAsync(Ct);
        Assert.False(sender.TrySendTo(2000, [2]));

        blocker.Release();
        await sender.SendToAsync(2000, new byte[] { 3 }, Ct);
        Assert.Equal(2, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendAsync_NoRoomWithinTxTimeout_ThrowsRpmsgTimeout_AndDoesNotSend()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        (BlockingCallback blocker, RpmsgEndpoint sender) = await FillTransmitQueueAsync(pair);

        ValueTask pending = sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        Assert.False(pending.IsCompleted);
        pair.FakeTime.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(pending.IsCompleted);
        pair.FakeTime.Advance(TimeSpan.FromMilliseconds(1));
        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(async () => await pending);
        Assert.Equal(RpmsgError.TxTimeout, ex.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), ex.Timeout);
        Assert.Equal(1, pair.Local.GetStatistics().MessagesSent);

        blocker.Release();
        await sender.SendToAsync(2000, new byte[] { 3 }, Ct);
        Assert.Equal(2, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled_NotTimeout()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        (BlockingCallback blocker, RpmsgEndpoint sender) = await FillTransmitQueueAsync(pair);

        using var cts = new CancellationTokenSource();
        ValueTask pending = sender.SendToAsync(2000, new byte[] { 2 }, cts.Token);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Equal(1, pair.Local.GetStatistics().MessagesSent);
        blocker.Release();
    }

    [Fact]
    public async Task SendAsync_AlreadyCancelledToken_ThrowsOperationCanceled()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sender.SendToAsync(5, new byte[] { 1 }, new CancellationToken(true)));
    }

    [Fact]
    public async Task SendAsync_NoRoom_WaitsAndCompletesWhenRoomFrees()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        (BlockingCallback blocker, RpmsgEndpoint sender) = await FillTransmitQueueAsync(pair);

        ValueTask pending = sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        Assert.False(pending.IsCompleted);
        blocker.Release();
        await pending;
        Assert.Equal(2, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendAsync_EndpointDisposedWhileWaiting_ThrowsEndpointClosed()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        (BlockingCallback blocker, RpmsgEndpoint sender) = await FillTransmitQueueAsync(pair);

        ValueTask pending = sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        await sender.DisposeAsync();
        var ex = await Assert.ThrowsAsync<RpmsgEndpointClosedException>(async () => await pending);
        Assert.Equal(RpmsgError.EndpointClosed, ex.Error);
        blocker.Release();
    }

    [Fact]
    public async Task Send_LinkDown_ThrowsLinkDown_BothForms()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        pair.Link.SetLinkDown();
        Assert.Equal(RpmsgError.LinkDown, Assert.Throws<RpmsgException>(() => sender.TrySendTo(5, [1])).Error);
        Assert.Equal(RpmsgError.LinkDown, (await Assert.ThrowsAsync<RpmsgException>(async () => await sender.SendToAsync(5, new byte[] { 1 }, Ct))).Error);
        Assert.Equal(0, pair.Local.GetStatistics().MessagesSent);
    }

    [Fact]
    public async Task SendAsync_WaitingWhenLinkGoesDown_ThrowsLinkDown()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { TxQueueDepth = 1 }, Options);
        (BlockingCallback blocker, RpmsgEndpoint sender) = await FillTransmitQueueAsync(pair);

        ValueTask pending = sender.SendToAsync(2000, new byte[] { 2 }, Ct);
        pair.Link.SetLinkDown();
        Assert.Equal(RpmsgError.LinkDown, (await Assert.ThrowsAsync<RpmsgException>(async () => await pending)).Error);
        blocker.Release();
    }

    [Fact]
    public async Task Send_ToAddressWithoutEndpoint_IsDroppedAndCounted()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint sender = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint probe = pair.Remote.CreateEndpoint(3000);
        await sender.SendToAsync(2999, new byte[] { 1 }, Ct);
        await sender.SendToAsync(3000, new byte[] { 2 }, Ct);
        using RpmsgMessage arrived = await probe.ReceiveAsync(Ct);
        RpmsgBusStatistics stats = pair.Remote.GetStatistics();
        Assert.Equal(2, stats.MessagesReceived);
        Assert.Equal(1, stats.MessagesDropped);
    }
}
