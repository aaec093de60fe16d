using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Services.Tests.Echo;

/// <summary>The echo client driver over a loopback pair: binding by announcement, the typed client, its timeouts by a fake clock,
/// and re-binding after the device goes away.</summary>
public sealed class EchoDriverTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly RpmsgBus _apps;
    private readonly RpmsgBus _tme;

    public EchoDriverTests()
    {
        var loopback = new RpmsgLoopback(null, _time);
        _apps = new RpmsgBus(loopback.First, null, _time);
        _tme = new RpmsgBus(loopback.Second, null, _time);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => default;

    public async ValueTask DisposeAsync()
    {
        await _apps.DisposeAsync();
        await _tme.DisposeAsync();
    }

    /// <summary>A service on the far bus, announced as the echo channel, that answers only when told to.</summary>
    private async Task<RpmsgEndpoint> AnnounceServiceAsync()
    {
        RpmsgEndpoint service = _tme.CreateEndpoint(RpmsgAddress.Any);
        await _tme.AnnounceAsync(service, EchoClient.ChannelName, Ct);
        return service;
    }

    [Fact]
    public void Constructor_ResponseTimeoutNotPositive_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EchoDriver(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(5), new EchoDriver().ResponseTimeout);
        Assert.Equal([EchoClient.ChannelName], new EchoDriver().IdTable);
    }

    [Fact]
    public async Task WaitForClientAsync_NoDevice_TimesOutByTheGivenClock_NamingTheChannel()
    {
        var driver = new EchoDriver();
        await _apps.RegisterDriverAsync(driver, Ct);

        Task<EchoClient> wait = driver.WaitForClientAsync(TimeSpan.FromMilliseconds(500), _time, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        TimeoutException ex = await Assert.ThrowsAsync<TimeoutException>(() => wait);
        Assert.Equal("No 'tmel-echo' device was bound within 500 ms.", ex.Message);
        Assert.Null(driver.Client);
    }

    [Fact]
    public async Task EchoAsync_ServiceAnswers_ReturnsTheReply()
    {
        var driver = new EchoDriver();
        await _apps.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint service = await AnnounceServiceAsync();
        EchoClient client = await driver.WaitForClientAsync(Ct);
        Assert.Same(client, driver.Client);

        Task<byte[]> echo = client.EchoAsync(new byte[] { 1, 2, 3 }, Ct);
        using (RpmsgMessage request = await service.ReceiveAsync(Ct))
        {
            await service.SendToAsync(request.Source, request.Payload, Ct);
        }

        Assert.Equal(new byte[] { 1, 2, 3 }, await echo);
    }

    [Fact]
    public async Task EchoAsync_NoAnswer_TimesOutAfterTheResponseTimeout()
    {
        var driver = new EchoDriver(TimeSpan.FromSeconds(2));
        await _apps.RegisterDriverAsync(driver, Ct);
        await using RpmsgEndpoint service = await AnnounceServiceAsync();
        EchoClient client = await driver.WaitForClientAsync(Ct);

        Task<byte[]> echo = client.EchoAsync(new byte[] { 9 }, Ct);
        using RpmsgMessage request = await service.ReceiveAsync(Ct);
        Assert.False(echo.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));

        RpmsgTimeoutException ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => echo);
        Assert.Equal(RpmsgError.ResponseTimeout, ex.Error);
        Assert.Equal("tmel-echo did not answer within 2000 ms; the request was delivered and may have been carried out.", ex.Message);
    }

    [Fact]
    public async Task DeviceRemoved_ClientGone_NextWaitGetsTheNewClient()
    {
        var driver = new EchoDriver();
        await _apps.RegisterDriverAsync(driver, Ct);
        RpmsgEndpoint first = await AnnounceServiceAsync();
        EchoClient before = await driver.WaitForClientAsync(Ct);

        await first.DisposeAsync(); // withdraws the announcement
        await WhenCancelled(before.Device.Removed).WaitAsync(Ct);
        Assert.Null(driver.Client);
        Task<EchoClient> next = driver.WaitForClientAsync(Ct);
        Assert.False(next.IsCompleted);
        await using RpmsgEndpoint second = await AnnounceServiceAsync();

        EchoClient after = await next;
        Assert.NotSame(before, after);
        await Assert.ThrowsAnyAsync<RpmsgException>(() => before.EchoAsync(new byte[] { 1 }, Ct));
    }

    private static Task WhenCancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }
}
