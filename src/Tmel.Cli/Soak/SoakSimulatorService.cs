using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>
/// <c>tmel simulator --soak-echo N</c>: serves the directory's one subsystem with a <see cref="TmelSimulator"/> (every service
/// of a plain <c>tmel simulator</c>) and, on the same TME-L bus, the soak's <see cref="SoakEchoService"/>. The soak echo is a
/// tmel tool, not a TME-L service, so it lives here rather than in the simulator library; it is built from the library's public
/// parts (the directory, the TME-L side of the window, the simulator), which is why it serves one subsystem only.
/// </summary>
internal sealed class SoakSimulatorService(
    IOptions<TmelSimulatorProcessOptions> options,
    SoakEchoCount echoes,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private QmpProcessDirectory? _directory;
    private QmpSharedMemoryMailbox? _mailbox;
    private TmelSimulator? _simulator;
    private SoakEchoService? _echo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TmelSimulatorProcessOptions settings = options.Value;
        string subsystem = settings.Subsystems.Count == 0 ? "apps" : settings.Subsystems[0];
        _directory = QmpProcessDirectory.Create(settings.Directory, [subsystem], settings.SramSize, settings.SramBusAddress);
        _mailbox = _directory.OpenSimulatorMailbox(subsystem, TimeProvider.System);
        _simulator = new TmelSimulator(
            _mailbox,
            new TmelSimulatorOptions { Link = settings.Link, SharedMemory = _mailbox.CreateSharedMemoryRegion(), Fuses = settings.Fuses, StateDirectory = settings.StateDirectory },
            time,
            loggerFactory);
        _echo = new SoakEchoService(_simulator.Bus, echoes.Count, time, loggerFactory.CreateLogger<SoakEchoService>());
        await _echo.StartAsync(cancellationToken).ConfigureAwait(false);
        await _simulator.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_echo is not null)
        {
            await _echo.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_simulator is not null)
        {
            // Withdraws the services (while the link is up) and takes the link down; the client sees link_state drop.
            await _simulator.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _mailbox?.Dispose();
        _directory?.Dispose();
        (_echo, _simulator, _mailbox, _directory) = (null, null, null, null);
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));
}

/// <summary>How many <see cref="SoakEchoService.ChannelName"/> endpoints <c>tmel simulator --soak-echo</c> serves.</summary>
internal sealed record SoakEchoCount(int Count);
