using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Hosting;

/// <summary>The hosted link: bring-up with retry and doubling backoff by a fake clock, recovery after a peer reset, graceful
/// close on stop, the health it reports, and its log events 2100–2104.</summary>
public sealed class QmpLinkHostedServiceTests : IAsyncDisposable
{
    private static readonly TimeSpan s_linkUpTimeout = TimeSpan.FromMilliseconds(1000);
    private readonly TimerWatchingTime _time = new();
    private readonly FakeLogger<QmpLinkHostedService> _logger = new();
    private readonly QmpInMemoryMailbox _localMailbox;
    private readonly QmpInMemoryMailbox _remoteMailbox;
    private readonly QmpLink _local;
    private readonly List<QmpLink> _remotes = [];
    private readonly QmpLinkHostedService _service;
    private readonly QmpLinkHealthCheck _health;

    public QmpLinkHostedServiceTests()
    {
        (_localMailbox, _remoteMailbox) = QmpInMemoryMailbox.CreatePair();
        var options = new QmpTransportOptions
        {
            BringUpRetryDelay = TimeSpan.FromMilliseconds(100),
            BringUpMaxRetryDelay = TimeSpan.FromMilliseconds(400),
        };
        _local = new QmpLink(_localMailbox, QmpRole.Local, options, _time);
        _service = new QmpLinkHostedService(_local, Options.Create(options), _time, _logger);
        _health = new QmpLinkHealthCheck(_service);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _service.Dispose();
        await _local.DisposeAsync();
        foreach (QmpLink remote in _remotes)
        {
            await remote.DisposeAsync();
        }
    }

    [Fact]
    public async Task BringUp_NoPeer_StatusDown_FailedAttemptsCount_BackoffDoublesUpToTheMax()
    {
        await StartAsync();
        Assert.Equal(QmpLinkStatus.Starting, _service.Status);
        Assert.Equal(HealthStatus.Degraded, (await CheckHealthAsync()).Status);

        double[] expectedDelays = [100, 200, 400, 400, 400];
        for (int attempt = 1; attempt <= expectedDelays.Length; attempt++)
        {
            await FailOneAttemptAsync(attempt, expectedDelays[attempt - 1]);
        }

        Assert.Equal(QmpLinkStatus.Down, _service.Status);
        Assert.Equal(5, _service.FailedAttempts);
        HealthCheckResult health = await CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("QMP link down after 5 failed bring-up attempts.", health.Description);
        Assert.Equal(5, health.Data["failedAttempts"]);
        Assert.Equal("LinkNegotiation", health.Data["state"]);
        FakeLogRecord failed = _logger.LatestRecord;
        Assert.Equal(2101, failed.Id.Id);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("QMP bring-up attempt 5 failed in LinkNegotiation; next attempt in 400 ms: The peer did not raise its link level within 1000 ms.", failed.Message);
    }

    [Fact]
    public async Task BringUp_PeerArrivesAfterFailures_Connected_AttemptsReset_Healthy()
    {
        await StartAsync();
        await FailOneAttemptAsync(1, 100);
        await FailOneAttemptAsync(2, 200);

        // The third attempt is waiting for the link level when the peer arrives.
        StartRemote();

        FakeLogRecord connected = await WaitForLogAsync(2100, 1);
        Assert.Equal(LogLevel.Information, connected.Level);
        Assert.Equal("QMP link up: channel connected.", connected.Message);
        Assert.Equal(QmpLinkStatus.Connected, _service.Status);
        Assert.Equal(0, _service.FailedAttempts);
        HealthCheckResult health = await CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("ChannelConnected", health.Data["state"]);
    }

    [Fact]
    public async Task PeerReset_WhileConnected_RecoveringAndUnhealthy_ThenConnectedAgainAndHealthy()
    {
        QmpLink first = StartRemote();
        await StartAsync();
        await WaitForLogAsync(2100, 1);

        await first.DisposeAsync();

        FakeLogRecord lost = await WaitForLogAsync(2102, 1);
        Assert.Equal("QMP channel lost (now LinkNegotiation); recovering.", lost.Message);
        Assert.Equal(QmpLinkStatus.Recovering, _service.Status);
        HealthCheckResult recovering = await CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, recovering.Status);
        Assert.Equal("QMP channel lost (link LinkNegotiation); recovering.", recovering.Description);

        StartRemote();
        Assert.Equal("QMP link up: channel connected again.", (await WaitForLogAsync(2100, 2)).Message);
        Assert.Equal(QmpLinkStatus.Connected, _service.Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task PeerGone_RecoveryAttemptsFail_StatusStaysRecovering_Unhealthy_AndCounts()
    {
        QmpLink first = StartRemote();
        await StartAsync();
        await WaitForLogAsync(2100, 1);
        _time.ClearCreated();

        await first.DisposeAsync();
        await WaitForLogAsync(2102, 1);

        // The link level was up once, so an attempt waits for the channel (ChannelOpenTimeout), then backs off.
        await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(1000));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        FakeLogRecord failed = await WaitForLogAsync(2101, 1);
        Assert.Contains("The channel did not open within 1000 ms.", failed.Message, StringComparison.Ordinal);
        Assert.Equal(QmpLinkStatus.Recovering, _service.Status);
        Assert.Equal(1, _service.FailedAttempts);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task HealthCheck_PeerBackWhileTheServiceWaitsOutItsRetryDelay_HealthyByTheLinksOwnState()
    {
        QmpLink first = StartRemote();
        await StartAsync();
        await WaitForLogAsync(2100, 1);
        await first.DisposeAsync();
        await WaitForLogAsync(2102, 1);
        await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(1000));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        await WaitForLogAsync(2101, 1);
        Assert.Equal(HealthStatus.Unhealthy, (await CheckHealthAsync()).Status);

        // A new peer: the link re-negotiates and reopens by itself while the service's 100 ms retry delay has not run out.
        StartRemote();
        await _local.WaitForChannelAsync(Ct);

        Assert.Equal(QmpLinkStatus.Recovering, _service.Status);
        HealthCheckResult health = await CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("Recovering", health.Data["status"]);
        Assert.Equal("ChannelConnected", health.Data["state"]);
    }

    [Fact]
    public async Task StopAsync_Connected_ClosesTheChannelGracefully_LogsClosed_StatusStopped()
    {
        QmpLink remote = StartRemote();
        await StartAsync();
        await WaitForLogAsync(2100, 1);

        await _service.StopAsync(Ct);

        Assert.Equal(QmpLinkState.LinkConnected, _local.State);
        Assert.Equal(QmpLinkStatus.Stopped, _service.Status);
        Assert.Equal(2103, _logger.LatestRecord.Id.Id);
        Assert.Equal("QMP channel closed for shutdown.", _logger.LatestRecord.Message);
        HealthCheckResult health = await CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("QMP link stopped.", health.Description);
        Assert.Equal(QmpLinkState.LinkConnected, remote.State);
    }

    [Fact]
    public async Task StopAsync_ShutdownTimeoutRunsOutBeforeThePeerAcks_LogsAbandoned_StatusStopped()
    {
        // A peer that brought the channel up but never answers again.
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);
        var logger = new FakeLogger<QmpLinkHostedService>();
        using var service = new QmpLinkHostedService(peer.Link, Options.Create(new QmpTransportOptions()), peer.Time, logger);
        await service.StartAsync(Ct);
        await WaitForLogAsync(logger, 2100, 1);
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task stop = service.StopAsync(shutdown.Token);
        Assert.Equal(0x0000000Bu, await peer.NextLocalWordAsync(Ct)); // the close was written: 0x0F - ch_state
        await shutdown.CancelAsync();
        await stop;

        Assert.Equal(2104, logger.LatestRecord.Id.Id);
        Assert.Equal(LogLevel.Warning, logger.LatestRecord.Level);
        Assert.Equal("QMP channel close abandoned: the shutdown timeout ran out.", logger.LatestRecord.Message);
        Assert.Equal(QmpLinkStatus.Stopped, service.Status);
        Assert.Equal(QmpLinkState.LocalDisconnecting, peer.Link.State);
    }

    [Fact]
    public async Task HealthCheck_Down_UsesTheRegistrationsFailureStatus()
    {
        await StartAsync();
        await FailOneAttemptAsync(1, 100);

        HealthCheckResult result = await _health.CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("qmp", _health, HealthStatus.Degraded, null) }, Ct);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Down", result.Data["status"]);
    }

    /// <summary>Starts the link (as the bus does when created) and the service.</summary>
    private async Task StartAsync()
    {
        if (_local.State == QmpLinkState.LinkDisconnected)
        {
            _local.Start(new RecordingLinkHandler());
        }

        await _service.StartAsync(Ct);
    }

    /// <summary>Lets one attempt time out waiting for the peer's link level, and checks the failure and the backoff it chose.</summary>
    private async Task FailOneAttemptAsync(int attempt, double expectedDelayMs)
    {
        await _time.WaitForTimerAsync(s_linkUpTimeout);
        _time.Advance(s_linkUpTimeout);
        FakeLogRecord failed = await WaitForLogAsync(2101, attempt);
        Assert.Equal(attempt, _service.FailedAttempts);
        Assert.Equal(QmpLinkStatus.Down, _service.Status);
        Assert.Contains($"attempt {attempt} failed", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"next attempt in {expectedDelayMs} ms", failed.Message, StringComparison.Ordinal);

        // The backoff is a timer of exactly that delay; nothing happens until it ran out.
        TimeSpan delay = TimeSpan.FromMilliseconds(expectedDelayMs);
        await _time.WaitForTimerAsync(delay);
        _time.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(attempt, _service.FailedAttempts);
        _time.Advance(TimeSpan.FromMilliseconds(1));
    }

    private QmpLink StartRemote()
    {
        var remote = new QmpLink(_remoteMailbox, QmpRole.Remote, null, _time);
        _remotes.Add(remote);
        remote.Start(new RecordingLinkHandler());
        return remote;
    }

    private Task<HealthCheckResult> CheckHealthAsync() =>
        _health.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("qmp", _health, null, null) }, Ct);

    private Task<FakeLogRecord> WaitForLogAsync(int eventId, int occurrence) => WaitForLogAsync(_logger, eventId, occurrence);

    private static async Task<FakeLogRecord> WaitForLogAsync(FakeLogger logger, int eventId, int occurrence)
    {
        int seen = 0;
        await foreach (FakeLogRecord record in logger.Collector.GetLogsAsync(Ct))
        {
            if (record.Id.Id == eventId && ++seen == occurrence)
            {
                return record;
            }
        }

        throw new InvalidOperationException("The log ended.");
    }
}
