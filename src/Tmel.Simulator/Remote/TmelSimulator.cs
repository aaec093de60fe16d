using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L: the remote (TME-L) side of a QMP link, its own rpmsg bus, and the services it announces to the
/// application processor through the name service.
/// </summary>
/// <remarks>
/// Services are announced once the simulator starts; the bus repeats the announcements whenever the channel (re)connects,
/// and disposing the simulator withdraws them before the link goes down. Today the simulator offers the diagnostic echo
/// service (<see cref="EchoChannel"/>); the TME-L services join it as they are built.
/// </remarks>
public sealed partial class TmelSimulator : IAsyncDisposable
{
    /// <summary>The channel name of the diagnostic echo service.</summary>
    public const string EchoChannel = "tmel-echo";

    private readonly ILogger _logger;
    private readonly EchoService _echo;
    private int _started;

    /// <summary>Creates the simulator on the remote side of a mailbox window; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="mailbox">The TME-L side's view of the window (owning offset 0x1000).</param>
    /// <param name="options">Timeouts and tracing; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for every timeout; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the simulator logs; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is <see langword="null"/>.</exception>
    public TmelSimulator(IQmpMailbox mailbox, TmelSimulatorOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        options ??= new TmelSimulatorOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<TmelSimulator>();
        Link = new QmpLink(mailbox, QmpRole.Remote, options.Link, timeProvider, loggerFactory, options.MailboxTrace);
        Bus = new RpmsgBus(new QmpRpmsgTransport(Link, loggerFactory), null, timeProvider, loggerFactory);
        _echo = new EchoService(Bus, loggerFactory.CreateLogger<EchoService>());
    }

    /// <summary>Gets the simulator's side of the QMP link.</summary>
    public QmpLink Link { get; }

    /// <summary>Gets the simulator's rpmsg bus.</summary>
    public RpmsgBus Bus { get; }

    /// <summary>Announces the services; they reach the application processor as soon as (and every time) the channel connects.</summary>
    /// <param name="cancellationToken">Ends the wait for transmit room if the channel is already up.</param>
    /// <returns>A task that completes when every service was announced or recorded for the next connect.</returns>
    /// <exception cref="InvalidOperationException">The simulator was already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The simulator was already started.");
        }

        await Bus.AnnounceAsync(_echo.Endpoint, EchoChannel, cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, EchoChannel);
    }

    /// <summary>Withdraws the services, then takes the link down.</summary>
    /// <returns>A task that completes when the simulator stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _echo.DisposeAsync().ConfigureAwait(false);
        await Bus.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Information, "TME-L simulator started; services: {Services}.")]
        public static partial void Started(ILogger logger, string services);
    }
}
