using Rpmsg.Core;
using Rpmsg.Core.Tests.Support;
using Rpmsg.Core.Tests.Transport;

namespace Tmel.Transport.Qmp.Tests.Framing;

/// <summary>The QMP transport passes the same contract as the loopback.</summary>
public sealed class QmpTransportContractTests : RpmsgTransportContractTests
{
    private protected override async Task<TransportPair> CreatePairAsync(RecordingHandler first, RecordingHandler second)
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var a = new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local, null, Time));
        var b = new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote, null, Time));
        b.Start(second);
        a.Start(first);
        await a.Link.WaitForChannelAsync(Ct);
        await b.Link.WaitForChannelAsync(Ct);
        return new TransportPair(a, b);
    }
}

public class QmpRpmsgTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AddressWord_CarriesSourceLowDestinationHigh()
    {
        Assert.Equal(0x0035_0400u, QmpAddressWord.Encode(0x0400, 0x0035));
        Assert.Equal((new RpmsgAddress(0x0400), new RpmsgAddress(0x0035)), QmpAddressWord.Decode(0x0035_0400));
        Assert.Equal((new RpmsgAddress(0), new RpmsgAddress(0)), QmpAddressWord.Decode(0));
        Assert.NotEqual(QmpLink.ContinuationMarker, QmpAddressWord.Encode(0xFFFE, 0xFFFE));
    }

    [Fact]
    public async Task TwoBusesOverQmp_AnnounceProbeAndEcho_UpToTheMtu()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var tmel = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(remote, QmpRole.Remote, null, time)), null, time);
        await using var apps = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(local, QmpRole.Local, null, time)), null, time);
        // QMP carries one message at a time, so the echo answers with the waiting send from a queued endpoint: a
        // TrySend from a callback would find the previous reply still unconfirmed and be refused.
        await using RpmsgEndpoint echo = tmel.CreateEndpoint(RpmsgAddress.Any);
        Task echoing = Task.Run(
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
                catch (RpmsgEndpointClosedException ex) when (ex.Error == RpmsgError.EndpointClosed)
                {
                    // Shut down while the last reply still awaited the peer's rx_done.
                }
            },
            Ct);
        await tmel.AnnounceAsync(echo, "tmel-echo", Ct);

        RpmsgDevice device = await apps.WaitForDeviceAsync("tmel-echo", Ct);
        Assert.Equal(echo.Address, device.Destination);
        Assert.Equal(6144, apps.Mtu);
        await using RpmsgEndpoint client = device.CreateEndpoint(RpmsgAddress.Any);
        foreach (int size in new[] { 1, 24, 25, 6144 })
        {
            byte[] payload = Enumerable.Range(0, size).Select(i => (byte)(i + size)).ToArray();
            await client.SendAsync(payload, Ct);
            using RpmsgMessage reply = await client.ReceiveAsync(Ct);
            Assert.Equal(payload, reply.Span.ToArray());
        }

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await client.SendAsync(new byte[6145], Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => apps.CreateEndpoint(0xFFFF));
        await echo.DisposeAsync();
        await echoing;
    }
}
