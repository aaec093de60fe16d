using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Bus;

public class RpmsgBusChannelsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitForDeviceAsync_TimesOutRepeatedly_NoWaiterIsLeftBehind()
    {
        await using var pair = new BusPair();

        for (int i = 0; i < 3; i++)
        {
            Task<RpmsgDevice> wait = pair.Local.WaitForDeviceAsync("nobody", TimeSpan.FromSeconds(1), Ct);
            pair.FakeTime.Advance(TimeSpan.FromSeconds(1));
            TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => wait);
            Assert.Contains("'nobody'", timeout.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, pair.Local.PendingDeviceWaits);
    }

    [Fact]
    public async Task OpenChannelAsync_DeviceAppearsInTime_EndpointBoundToIt()
    {
        await using var pair = new BusPair();

        Task<RpmsgEndpoint> open = pair.Local.OpenChannelAsync("chan", TimeSpan.FromSeconds(1), null, Ct);
        RpmsgDevice device = await pair.Local.CreateDeviceAsync("chan", RpmsgAddress.Any, 2000, Ct);
        await using RpmsgEndpoint endpoint = await open;

        Assert.Same(device, endpoint.Device);
        Assert.Equal(new RpmsgAddress(2000), endpoint.DefaultDestination);
        Assert.Equal(0, pair.Local.PendingDeviceWaits);
    }
}
