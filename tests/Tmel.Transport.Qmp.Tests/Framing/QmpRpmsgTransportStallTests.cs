using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Framing;

/// <summary>
/// No link-wide stall over QMP: an endpoint whose queue is full and never read holds its direction (one message at a time,
/// rx_done flipped after delivery) for at most the bus's <see cref="RpmsgBusOptions.ReceiveQueueFullTimeout"/>; then the
/// message is dropped and counted, and the name service and an echo on another endpoint flow again.
/// </summary>
public class QmpRpmsgTransportStallTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullEndpointNobodyReads_AnnouncementAndEchoStillWork_WithinTheBound()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var time = new TimerWatchingTime();
        var options = new RpmsgBusOptions { ReceiveQueueFullTimeout = s_bound };
        await using var tmel = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote, null, time)), options, time);
        await using var apps = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local, null, time)), options, time);
        await using RpmsgEndpoint full = tmel.CreateEndpoint(2000, new RpmsgEndpointOptions { ReceiveQueueCapacity = 1 });
        await using RpmsgEndpoint echo = tmel.CreateEndpoint(2001);
        Task echoing = EchoAsync(echo);
        await using RpmsgEndpoint sender = apps.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint service = apps.CreateEndpoint(RpmsgAddress.Any);
        while (!apps.IsLinkUp || !tmel.IsLinkUp)
        {
            await Task.Yield();
        }

        // The first fills the queue; the second waits for room, holding the apps -> tmel direction.
        await sender.SendToAsync(2000, new byte[] { 1 }, Ct);
        time.ClearCreated();
        Task second = sender.SendToAsync(2000, new byte[] { 2 }, Ct).AsTask();
        await time.WaitForTimerAsync(s_bound);

        Task announced = apps.AnnounceAsync(service, "apps-svc", Ct);
        Task<RpmsgDevice> device = tmel.WaitForDeviceAsync("apps-svc", Ct);
        Task request = sender.SendToAsync(2001, new byte[] { 3 }, Ct).AsTask();
        time.Advance(s_bound - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted || device.IsCompleted);
        Assert.Equal(0, tmel.GetStatistics().MessagesOverflowed);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await second; // "delivered" on QMP: the peer's bus handled it, here by dropping it
        Assert.Equal(service.Address, (await device).Destination);
        await announced;
        await request;
        using (RpmsgMessage reply = await sender.ReceiveAsync(Ct))
        {
            Assert.Equal([3], reply.Span.ToArray());
        }

        Assert.Equal(1, tmel.GetStatistics().MessagesOverflowed);
        using RpmsgMessage kept = await full.ReceiveAsync(Ct);
        Assert.Equal([1], kept.Span.ToArray());
        Assert.False(full.TryReceive(out _));
        await echo.DisposeAsync();
        await echoing;
    }

    private static Task EchoAsync(RpmsgEndpoint echo) => Task.Run(
        async () =>
        {
            try
            {
                await foreach (RpmsgMessage request in echo.ReadAllAsync(Ct))
                {
                    using (request)
                    {
                        await echo.SendToAsync(request.Source, request.Payload, Ct);
                    }
                }
            }
            catch (RpmsgEndpointClosedException)
            {
                // Closed at the end of the test, possibly while the last reply awaited the peer's rx_done.
            }
        },
        Ct);
}
