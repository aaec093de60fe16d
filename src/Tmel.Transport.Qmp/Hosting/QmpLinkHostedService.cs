using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tmel.Transport.Qmp;

/// <summary>Owns the hosted QMP link: brings it up with retry and backoff, follows it through peer resets, and closes it gracefully on shutdown.</summary>
/// <remarks>
/// The link starts (raises its level) when the bus is created, at host start, before this service runs; this service waits for the channel with the RFC's timeouts,
/// waits again after each failed attempt (doubling the delay up to <see cref="QmpTransportOptions.BringUpMaxRetryDelay"/>),
/// and once connected waits for the channel to close, then recovers the same way. On host shutdown it clears the channel
/// level and waits, within the shutdown timeout, for the peer to acknowledge; the bus then disposes the link.
/// </remarks>
public sealed partial class QmpLinkHostedService : BackgroundService
{
    private readonly QmpLink _link;
    private readonly QmpTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile QmpLinkStatus _status = QmpLinkStatus.Starting;
    private int _failedAttempts;

    /// <summary>Initializes a new instance; the host creates it.</summary>
    /// <param name="link">The local link.</param>
    /// <param name="options">The transport settings.</param>
    /// <param name="timeProvider">The clock for the retry delays.</param>
    /// <param name="logger">Where the service logs.</param>
    public QmpLinkHostedService(QmpLink link, IOptions<QmpTransportOptions> options, TimeProvider timeProvider, ILogger<QmpLinkHostedService> logger)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(options);
        _link = link;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets what the service knows about the link.</summary>
    public QmpLinkStatus Status => _status;

    /// <summary>Gets the number of bring-up attempts that failed since the channel was last open.</summary>
    public int FailedAttempts => Volatile.Read(ref _failedAttempts);

    /// <summary>Gets the link.</summary>
    public QmpLink Link => _link;

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _link.CloseAsync(cancellationToken).ConfigureAwait(false);
            Log.Closed(_logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.CloseAbandoned(_logger);
        }
        finally
        {
            _status = QmpLinkStatus.Stopped;
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool wasConnected = false;
        TimeSpan delay = _options.BringUpRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _link.WaitForChannelAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (QmpLinkException ex)
            {
                int attempts = Interlocked.Increment(ref _failedAttempts);
                _status = wasConnected ? QmpLinkStatus.Recovering : QmpLinkStatus.Down;
                Log.BringUpFailed(_logger, attempts, ex.State, delay.TotalMilliseconds, ex.Message);
                if (!await DelayAsync(delay, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.BringUpMaxRetryDelay.Ticks));
                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            Volatile.Write(ref _failedAttempts, 0);
            delay = _options.BringUpRetryDelay;
            _status = QmpLinkStatus.Connected;
            Log.Connected(_logger, wasConnected);
            wasConnected = true;

            try
            {
                await _link.WhenChannelClosed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            _status = QmpLinkStatus.Recovering;
            Log.ChannelLost(_logger, _link.State);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Information, "QMP link up: channel connected{Again}.")]
        private static partial void Connected(ILogger logger, string again);

        public static void Connected(ILogger logger, bool again) => Connected(logger, again ? " again" : string.Empty);

        [LoggerMessage(2101, LogLevel.Warning, "QMP bring-up attempt {Attempt} failed in {State}; next attempt in {DelayMs} ms: {Reason}")]
        public static partial void BringUpFailed(ILogger logger, int attempt, QmpLinkState state, double delayMs, string reason);

        [LoggerMessage(2102, LogLevel.Warning, "QMP channel lost (now {State}); recovering.")]
        public static partial void ChannelLost(ILogger logger, QmpLinkState state);

        [LoggerMessage(2103, LogLevel.Information, "QMP channel closed for shutdown.")]
        public static partial void Closed(ILogger logger);

        [LoggerMessage(2104, LogLevel.Warning, "QMP channel close abandoned: the shutdown timeout ran out.")]
        public static partial void CloseAbandoned(ILogger logger);
    }
}
