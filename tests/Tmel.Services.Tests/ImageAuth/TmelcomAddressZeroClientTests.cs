using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.Support;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth;

/// <summary>
/// The RFC's option (c) at rpmsg address 0, which cannot retire its address: after an abandoned request the next one waits
/// for the late reply, for a link reset or for the hold, bounded by its own response timeout. Loopback, a fake TME-L at
/// address 0, a fake clock.
/// </summary>
public sealed class TmelcomAddressZeroClientTests : IAsyncDisposable
{
    private static readonly RpmsgAddress s_zero = new(0);
    private readonly FakeTimeProvider _time = new();
    private readonly RpmsgLoopback _link;
    private readonly RpmsgBus _apps;
    private readonly RpmsgBus _tme;
    private readonly FakeSharedMemory _memory = new();
    private readonly FakeImageAuthService _service;
    private readonly TmelcomAddressZeroClient _client;

    public TmelcomAddressZeroClientTests()
    {
        _link = new RpmsgLoopback(null, _time);
        _apps = new RpmsgBus(_link.First, null, _time);
        _tme = new RpmsgBus(_link.Second, null, _time);
        _service = new FakeImageAuthService(_tme, _memory, s_zero) { Responder = _ => null };
        _client = TmelcomAddressZeroClient.Create(_apps, _memory, new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromSeconds(1), LateReplyHold = TimeSpan.FromSeconds(10) });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _service.DisposeAsync();
        await _apps.DisposeAsync();
        await _tme.DisposeAsync();
    }

    [Fact]
    public async Task TearDownAsync_SentFromAndToAddressZero_AsTheRfcDriverDoes()
    {
        _service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0);

        await _client.ImageAuth.TearDownAsync(5, Ct);

        FakeImageAuthService.Request request = await _service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(s_zero, request.Source);
        Assert.Equal("18000A00" + "05000000" + "00000000" + "01000000", Convert.ToHexString(request.Raw, 0, 16)); // header 0x000A0018 | sw_id 5 | secondary 0 | status preset 1
        Assert.Null(_client.ImageAuth.Device);
    }

    [Fact]
    public async Task TearDownAsync_AfterATimedOutRequest_WaitsForTheLateReply_ThenGetsItsOwnAnswer()
    {
        FakeImageAuthService.Request first = await TimeOutOneTearDownAsync();

        Task next = _client.ImageAuth.TearDownAsync(2, Ct);
        Assert.False(_service.Requests.Reader.TryRead(out _));                 // held back: the late reply would answer it
        await _service.ReplyAsync(first, FakeImageAuthService.AnswerTearDown(first, status: 3), Ct);   // the late failure, dropped
        FakeImageAuthService.Request second = await _service.Requests.Reader.ReadAsync(Ct);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(second.Raw.AsSpan(4)));
        await _service.ReplyAsync(second, FakeImageAuthService.AnswerTearDown(second, status: 0), Ct);

        await next;                                                             // its own success, not the late BAD_PARAMETER
        Assert.Equal(1, _client.Lane.LateReplies);
    }

    [Fact]
    public async Task TearDownAsync_LateReplyNeverComes_FailsWithLateReplyPending_AfterItsOwnTimeout_WithoutSending()
    {
        await TimeOutOneTearDownAsync();

        Task blocked = _client.ImageAuth.TearDownAsync(2, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));

        RpmsgTimeoutException pending = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => blocked);
        Assert.Equal(RpmsgError.LateReplyPending, pending.Error);
        Assert.Contains("address 0", pending.Message, StringComparison.Ordinal);
        Assert.False(_service.Requests.Reader.TryRead(out _));
    }

    [Fact]
    public async Task TearDownAsync_LinkResetWhileALateReplyIsPending_ReleasesAddressZero()
    {
        await TimeOutOneTearDownAsync();

        _link.SetLinkDown();
        await _client.Lane.WhenNoneHeldAsync(Ct);
        _link.SetLinkUp();

        _service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0);
        await _client.ImageAuth.TearDownAsync(2, Ct);
        Assert.Equal(0, _client.Lane.LateReplies);
    }

    [Fact]
    public async Task TearDownAsync_HoldPassesWithoutALateReply_AddressZeroServesAgain()
    {
        await TimeOutOneTearDownAsync();

        _time.Advance(TimeSpan.FromSeconds(10));
        await _client.Lane.WhenNoneHeldAsync(Ct);

        _service.Responder = request => FakeImageAuthService.AnswerTearDown(request, 0);
        await _client.ImageAuth.TearDownAsync(2, Ct);
        Assert.Equal(1, _client.Lane.HoldsExpired);
    }

    [Fact]
    public void Create_AddressZeroAlreadyBound_AddressInUse()
    {
        RpmsgException ex = Assert.Throws<RpmsgException>(() => TmelcomAddressZeroClient.Create(_apps, _memory));

        Assert.Equal(RpmsgError.AddressInUse, ex.Error);
    }

    /// <summary>Sends TEAR_DOWN(1), which the service leaves unanswered, and lets it time out: a late reply is now pending at address 0.</summary>
    private async Task<FakeImageAuthService.Request> TimeOutOneTearDownAsync()
    {
        Task timedOut = _client.ImageAuth.TearDownAsync(1, Ct);
        FakeImageAuthService.Request request = await _service.Requests.Reader.ReadAsync(Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RpmsgError.ResponseTimeout, (await Assert.ThrowsAsync<RpmsgTimeoutException>(() => timedOut)).Error);
        return request;
    }
}
