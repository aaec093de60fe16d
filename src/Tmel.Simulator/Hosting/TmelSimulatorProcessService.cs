using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Hosting;

/// <summary>
/// Serves a simulator directory: takes its lock, creates one simulated device (with its state directory, when one is
/// configured), and per subsystem opens the TME-L side of the window and runs a <see cref="TmelSimulator"/> for that
/// subsystem of the device over it with the subsystem's SRAM. Stopping withdraws every service and takes every link down.
/// </summary>
/// <remarks>With a raw subsystem (<see cref="TmelSimulatorProcessOptions.RawEchoSubsystem"/>) the process serves the benchmark:
/// that subsystem answers raw (<see cref="RawMailboxEcho"/>), and every simulator also announces a <see cref="BenchSink"/> for
/// the one-way measurement. Without it the announced services are the simulator's own.</remarks>
internal sealed partial class TmelSimulatorProcessService(
    IOptions<TmelSimulatorProcessOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TmelSimulatorProcessService>();
    private readonly List<(QmpSharedMemoryMailbox Mailbox, TmelSimulator Simulator)> _subsystems = [];
    private readonly List<(QmpSharedMemoryMailbox Mailbox, RawMailboxEcho Echo)> _raw = [];
    private readonly List<BenchSink> _sinks = [];
    private QmpProcessDirectory? _directory;
    private SimulatedDevice? _device;

    /// <summary>Gets the simulators serving the subsystems, in order (for tests).</summary>
    internal IReadOnlyList<TmelSimulator> Simulators => [.. _subsystems.Select(s => s.Simulator)];

    /// <summary>Gets the benchmark's sinks, one per simulator in order, when a raw subsystem is served (for tests).</summary>
    internal IReadOnlyList<BenchSink> Sinks => _sinks;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TmelSimulatorProcessOptions settings = options.Value;
        string[] subsystems = settings.Subsystems.Count == 0 ? ["apps"] : [.. settings.Subsystems];
        string[] all = settings.RawEchoSubsystem is { } raw ? [.. subsystems, raw] : subsystems;
        _directory = QmpProcessDirectory.Create(settings.Directory, all, settings.SramSize, settings.SramBusAddress);
        try
        {
            _device = SimulatedDevice.Create(settings.Fuses, settings.StateDirectory, time, loggerFactory);
        }
        catch
        {
            _directory.Dispose();
            _directory = null;
            throw;
        }

        if (settings.RawEchoSubsystem is { } rawName)
        {
            QmpSharedMemoryMailbox rawMailbox = _directory.OpenSimulatorMailbox(rawName, TimeProvider.System);
            _raw.Add((rawMailbox, new RawMailboxEcho(rawMailbox)));
        }

        foreach (string subsystem in subsystems)
        {
            QmpSharedMemoryMailbox mailbox = _directory.OpenSimulatorMailbox(subsystem, TimeProvider.System);
            TmelSimulator simulator;
            try
            {
                simulator = new TmelSimulator(
                    mailbox,
                    new TmelSimulatorOptions { Link = settings.Link, SharedMemory = mailbox.CreateSharedMemoryRegion() },
                    time,
                    loggerFactory,
                    _device,
                    _device.Subsystem(subsystem));
            }
            catch
            {
                mailbox.Dispose();
                throw;
            }

            _subsystems.Add((mailbox, simulator));
            await simulator.StartAsync(cancellationToken).ConfigureAwait(false);
            if (settings.RawEchoSubsystem is not null)
            {
                _sinks.Add(await BenchSink.AnnounceAsync(simulator.Bus, cancellationToken).ConfigureAwait(false));
            }
        }

        Log.Serving(_logger, _directory.Root, string.Join(", ", all), Environment.ProcessId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (BenchSink sink in _sinks)
        {
            await sink.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _sinks.Clear();
        foreach ((QmpSharedMemoryMailbox mailbox, TmelSimulator simulator) in _subsystems)
        {
            // Withdraws the services (while the link is up) and takes the link down; the client sees link_state drop.
            await simulator.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            mailbox.Dispose();
        }

        _subsystems.Clear();
        foreach ((QmpSharedMemoryMailbox mailbox, RawMailboxEcho echo) in _raw)
        {
            await echo.DisposeAsync().ConfigureAwait(false);
            mailbox.Dispose();
        }

        _raw.Clear();
        _device?.Dispose();
        _device = null;
        _directory?.Dispose();
        _directory = null;
        Log.Stopped(_logger);
    }

    private static partial class Log
    {
        [LoggerMessage(4900, LogLevel.Information, "TME-L simulator serving {Directory} (subsystems {Subsystems}, pid {Pid}).")]
        public static partial void Serving(ILogger logger, string directory, string subsystems, int pid);

        [LoggerMessage(4901, LogLevel.Information, "TME-L simulator stopped: services withdrawn, links down.")]
        public static partial void Stopped(ILogger logger);
    }
}
