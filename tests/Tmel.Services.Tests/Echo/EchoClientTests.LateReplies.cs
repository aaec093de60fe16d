using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Services.Tests.Echo;

/// <summary>
/// A reply never reaches the wrong caller: a request abandoned after it was delivered (timed out, cancelled) retires its
/// address, so its late reply can never be taken as a later request's. Loopback, a service that answers when told to, and
/// a fake clock.
/// </summary>
public sealed partial class EchoClientTests
{
    [Fact]
    public async Task EchoAsync_AfterATimedOutRequestIsAnsweredLate_TheNextCallGetsItsOwnReply_AndTheLateOneIsDropped()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromMilliseconds(1)));

        Task<byte[]> first = client.EchoAsync(new byte[] { 1 }, Ct);
        using RpmsgMessage firstRequest = await _service.ReceiveAsync(Ct);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RpmsgError.ResponseTimeout, (await Assert.ThrowsAsync<RpmsgTimeoutException>(() => first)).Error);
        await _service.SendToAsync(firstRequest.Source, new byte[] { 11 }, Ct);    // the late reply

        Task<byte[]> second = client.EchoAsync(new byte[] { 2 }, Ct);
        using RpmsgMessage secondRequest = await _service.ReceiveAsync(Ct);
        await _service.SendToAsync(secondRequest.Source, new byte[] { 22 }, Ct);

        Assert.Equal(new byte[] { 22 }, await second);
        Assert.NotEqual(firstRequest.Source, secondRequest.Source);
        await client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(1, client.Lane.LateReplies);
    }

    [Fact]
    public async Task EchoAsync_AfterACancelledRequest_TheLateReplyIsNeverReturned_EvenWhenItArrivesAfterTheNextRequestWasSent()
    {
        EchoClient client = await BindAsync(new EchoDriver());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<byte[]> cancelled = client.EchoAsync(new byte[400], cancel.Token);
        using RpmsgMessage cancelledRequest = await _service.ReceiveAsync(Ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Task<byte[]> next = client.EchoAsync(new byte[30], Ct);
        using RpmsgMessage nextRequest = await _service.ReceiveAsync(Ct);
        await _service.SendToAsync(cancelledRequest.Source, cancelledRequest.Span.ToArray(), Ct);   // late, after the next request
        await _service.SendToAsync(nextRequest.Source, nextRequest.Span.ToArray(), Ct);

        Assert.Equal(30, (await next).Length);
        await client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(1, client.Lane.LateReplies);
    }

    [Fact]
    public async Task EchoAsync_RetiredAddress_IsHeldUntilTheHoldPasses_ThenClosed_SoAReplyLaterStillIsDroppedByTheBus()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(1), lateReplyHold: TimeSpan.FromSeconds(10)));

        Task<byte[]> first = client.EchoAsync(new byte[] { 1 }, Ct);
        using RpmsgMessage firstRequest = await _service.ReceiveAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<RpmsgTimeoutException>(() => first);
        Assert.Equal(1, client.Lane.Held);

        _time.Advance(TimeSpan.FromSeconds(10));
        await client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(1, client.Lane.HoldsExpired);
        long dropped = _local.GetStatistics().MessagesDropped;
        await _service.SendToAsync(firstRequest.Source, new byte[] { 11 }, Ct);     // later than the hold: no endpoint there

        Task<byte[]> second = client.EchoAsync(new byte[] { 2 }, Ct);
        using RpmsgMessage secondRequest = await _service.ReceiveAsync(Ct);
        await _service.SendToAsync(secondRequest.Source, new byte[] { 22 }, Ct);
        Assert.Equal(new byte[] { 22 }, await second);
        Assert.Equal(dropped + 1, _local.GetStatistics().MessagesDropped);
    }

    [Fact]
    public async Task EchoAsync_WhenEveryHoldIsTaken_WaitsForALateReply_AndFailsWithLateReplyPendingWithoutSending()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(1)));
        var unanswered = new List<RpmsgMessage>();
        for (int i = 0; i < 8; i++)
        {
            Task<byte[]> call = client.EchoAsync(new byte[] { (byte)i }, Ct);
            unanswered.Add(await _service.ReceiveAsync(Ct));
            _time.Advance(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<RpmsgTimeoutException>(() => call);
        }

        Assert.Equal(8, client.Lane.Held);
        Task<byte[]> blocked = client.EchoAsync(new byte[] { 99 }, Ct);
        Assert.False(blocked.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        RpmsgTimeoutException pending = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => blocked);
        Assert.Equal(RpmsgError.LateReplyPending, pending.Error);
        Assert.False(_service.TryReceive(out _));                                    // it was not sent

        // One late reply frees one hold, and the next request goes at once.
        await _service.SendToAsync(unanswered[3].Source, new byte[] { 3 }, Ct);
        Task<byte[]> next = client.EchoAsync(new byte[] { 100 }, Ct);
        using RpmsgMessage nextRequest = await _service.ReceiveAsync(Ct);
        await _service.SendToAsync(nextRequest.Source, nextRequest.Span.ToArray(), Ct);
        Assert.Equal(new byte[] { 100 }, await next);
        Assert.Equal(7, client.Lane.Held);
        unanswered.ForEach(m => m.Dispose());
    }

    [Fact]
    public async Task EchoAsync_CancelledWhileWaitingForRoomAmongTheHolds_ThrowsTheCallersOwnCancellation()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(1)));
        for (int i = 0; i < 8; i++)
        {
            Task<byte[]> call = client.EchoAsync(new byte[] { (byte)i }, Ct);
            (await _service.ReceiveAsync(Ct)).Dispose();
            _time.Advance(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<RpmsgTimeoutException>(() => call);
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<byte[]> waiting = client.EchoAsync(new byte[] { 99 }, cancel.Token);
        await cancel.CancelAsync();

        OperationCanceledException ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(cancel.Token, ex.CancellationToken);
        Assert.False(_service.TryReceive(out _));
    }

    [Fact]
    public async Task EchoAsync_DeviceRemovedWhileRequestsAreHeld_ReleasesEveryHold()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(1)));
        Task<byte[]> call = client.EchoAsync(new byte[] { 1 }, Ct);
        (await _service.ReceiveAsync(Ct)).Dispose();
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<RpmsgTimeoutException>(() => call);

        await _local.RemoveDeviceAsync(client.Device, Ct);

        await client.Lane.WhenNoneHeldAsync(Ct);
        Assert.Equal(RpmsgError.DeviceRemoved, (await Assert.ThrowsAsync<RpmsgEndpointClosedException>(() => client.EchoAsync(new byte[] { 2 }, Ct))).Error);
    }
}
