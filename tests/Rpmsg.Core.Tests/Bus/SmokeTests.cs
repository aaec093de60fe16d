using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Bus;

public class SmokeTests
{
    [Fact]
    public async Task Announce_DriverEcho_RoundTrips()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var pair = new BusPair();
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions
        {
            Callback = (ept, payload, src) => Assert.True(ept.TrySendTo(src, payload)),
        });
        await pair.Remote.AnnounceAsync(service, "echo", ct);
        RpmsgDevice device = await pair.Local.WaitForDeviceAsync("echo", ct);
        await using RpmsgEndpoint client = device.CreateEndpoint(RpmsgAddress.Any);
        await client.SendAsync(new byte[] { 1, 2, 3 }, ct);
        using RpmsgMessage reply = await client.ReceiveAsync(ct);
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Span.ToArray());
        Assert.Equal(service.Address, reply.Source);
    }
}
