using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Services.Tests.Echo;

public sealed partial class EchoClientTests : IAsyncDisposable
{
    private static readonly RpmsgAddress s_serviceAddress = new(1500);
    private readonly FakeTimeProvider _time = new();
    private readonly RpmsgBus _local;
    private readonly RpmsgBus _remote;
    private readonly RpmsgEndpoint _service;

    public EchoClientTests()
    {
        var link = new RpmsgLoopback(null, _time);
        _local = new RpmsgBus(link.First, null, _time);
        _remote = new RpmsgBus(link.Second, null, _time);
        _service = _remote.CreateEndpoint(s_serviceAddress);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _local.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Fact]
    public async Task EchoAsync_ServiceAnswers_ReturnsTheReplyBytes()
    {
        EchoClient client = await BindAsync(new EchoDriver());

        Task<byte[]> call = client.EchoAsync(new byte[] { 1, 2, 3 }, Ct);
        await AnswerNextAsync(reply: [9, 8]);

        Assert.Equal(new byte[] { 9, 8 }, await call);
    }

    [Fact]
    public async Task EchoAsync_NoReplyWithinTheTimeout_ResponseTimeout_AndTheNextCallStillGetsItsReply()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(2)));

        Task<byte[]> first = client.EchoAsync(new byte[] { 1 }, Ct);
        using (RpmsgMessage unanswered = await _service.ReceiveAsync(Ct))
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            RpmsgTimeoutException timeout = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => first);
            Assert.Equal(RpmsgError.ResponseTimeout, timeout.Error);
            Assert.Contains("2000 ms", timeout.Message, StringComparison.Ordinal);
        }

        Task<byte[]> second = client.EchoAsync(new byte[] { 2 }, Ct);
        await AnswerNextAsync(reply: [22]);

        Assert.Equal(new byte[] { 22 }, await second);
    }

    [Fact]
    public async Task EchoAsync_CallerCancels_OperationCanceledException_NotTimeout()
    {
        EchoClient client = await BindAsync(new EchoDriver());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<byte[]> call = client.EchoAsync(new byte[] { 1 }, cancel.Token);
        (await _service.ReceiveAsync(Ct)).Dispose();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task WaitForClientAsync_DeviceRemoved_WaitsForTheNextDevice()
    {
        var driver = new EchoDriver();
        await _local.RegisterDriverAsync(driver, Ct);
        RpmsgDevice device = await _local.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, s_serviceAddress, Ct);
        Assert.Same(device, (await driver.WaitForClientAsync(Ct)).Device);

        await _local.RemoveDeviceAsync(device, Ct);
        Assert.Null(driver.Client);
        Task<EchoClient> next = driver.WaitForClientAsync(Ct);
        Assert.False(next.IsCompleted);
        RpmsgDevice again = await _local.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, s_serviceAddress, Ct);

        Assert.Same(again, (await next).Device);
    }

    [Fact]
    public async Task WaitForClientAsync_WithTimeout_NoDevice_TimeoutExceptionNamingTheChannel()
    {
        var driver = new EchoDriver();

        Task<EchoClient> wait = driver.WaitForClientAsync(TimeSpan.FromSeconds(1), _time, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));

        TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => wait);
        Assert.Contains(EchoClient.ChannelName, timeout.Message, StringComparison.Ordinal);
    }

    private async Task<EchoClient> BindAsync(EchoDriver driver)
    {
        await _local.RegisterDriverAsync(driver, Ct);
        await _local.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, s_serviceAddress, Ct);
        return await driver.WaitForClientAsync(Ct);
    }

    private async Task AnswerNextAsync(byte[] reply)
    {
        using RpmsgMessage request = await _service.ReceiveAsync(Ct);
        await _service.SendToAsync(request.Source, reply, Ct);
    }
}
