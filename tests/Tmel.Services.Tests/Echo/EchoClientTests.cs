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
    public async Task EchoAsync_IntoBuffer_ServiceAnswers_CopiesTheReplyAndReturnsItsLength()
    {
        EchoClient client = await BindAsync(new EchoDriver());
        byte[] destination = new byte[4];

        ValueTask<int> call = client.EchoAsync(new byte[] { 1, 2, 3 }, destination, Ct);
        await AnswerNextAsync(reply: [9, 8]);

        Assert.Equal(2, await call);
        Assert.Equal(new byte[] { 9, 8, 0, 0 }, destination);
    }

    [Fact]
    public async Task EchoAsync_IntoBuffer_ReplyLongerThanTheBuffer_ArgumentException_AndTheNextCallStillWorks()
    {
        EchoClient client = await BindAsync(new EchoDriver());

        Task<int> first = client.EchoAsync(new byte[] { 1 }, new byte[1], Ct).AsTask();
        await AnswerNextAsync(reply: [7, 7]);
        ArgumentException tooLong = await Assert.ThrowsAsync<ArgumentException>(() => first);
        Assert.Equal("destination", tooLong.ParamName);

        ValueTask<int> second = client.EchoAsync(new byte[] { 2 }, new byte[1], Ct);
        await AnswerNextAsync(reply: [22]);
        Assert.Equal(1, await second);
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
    public async Task EchoAsync_AfterAnsweredCallsWithOneToken_TimeoutStillFires_AndCancellingStillWorks()
    {
        EchoClient client = await BindAsync(new EchoDriver(TimeSpan.FromSeconds(2)));
        using var user = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        for (byte i = 0; i < 3; i++)
        {
            ValueTask<int> answered = client.EchoAsync(new byte[] { i }, new byte[1], user.Token);
            await AnswerNextAsync(reply: [i]);
            Assert.Equal(1, await answered);
        }

        // The lane's reused request source still carries the timeout, from the fake clock.
        Task<int> unanswered = client.EchoAsync(new byte[] { 9 }, new byte[1], user.Token).AsTask();
        (await _service.ReceiveAsync(Ct)).Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));
        RpmsgTimeoutException timeout = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => unanswered);
        Assert.Equal(RpmsgError.ResponseTimeout, timeout.Error);

        // And, replaced after firing, the caller's token.
        Task<int> cancelled = client.EchoAsync(new byte[] { 10 }, new byte[1], user.Token).AsTask();
        (await _service.ReceiveAsync(Ct)).Dispose();
        await user.CancelAsync();
        OperationCanceledException canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(user.Token, canceled.CancellationToken);
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
