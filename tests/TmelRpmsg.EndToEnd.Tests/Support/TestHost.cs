using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Cli.Hosting;
using Tmel.Services.Echo;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.EndToEnd.Tests.Support;

/// <summary>The real tmel host (<see cref="TmelHostBuilder.Create"/>) with a <see cref="FakeTimeProvider"/> swapped in,
/// fake logging, every mailbox write recorded, and the link's transitions collected from the host's own meter factory.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly Lock _wireGate = new();
    private readonly List<QmpMailboxWrite> _wire = [];
    private bool _started;
    private bool _stopped;

    private TestHost(IHost host, FakeTimeProvider time)
    {
        Host = host;
        Time = time;
        Transitions = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), QmpTelemetry.SourceName, "tmel.qmp.link.transitions");
    }

    public IHost Host { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => Host.Services;

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Gets the link-state changes of the host's (local) link, as the host's meter saw them.</summary>
    public MetricCollector<long> Transitions { get; }

    public RpmsgBus Bus => Services.GetRequiredService<RpmsgBus>();

    public EchoDriver EchoDriver => Services.GetRequiredService<EchoDriver>();

    public QmpLinkHostedService LinkService => Services.GetRequiredService<QmpLinkHostedService>();

    /// <summary>Builds (does not start) the host; <paramref name="args"/> are configuration as on the command line.</summary>
    public static TestHost Build(string[]? args = null, Action<ITmelRpmsgBuilder>? configure = null, Action<HostApplicationBuilder>? configureHost = null)
    {
        var time = new FakeTimeProvider();
        TestHost? created = null;
        HostApplicationBuilder builder = TmelHostBuilder.Create(
            args ?? [],
            stack =>
            {
                stack.AddQmpMailboxTrace(write => created!.Record(write));
                configure?.Invoke(stack);
            });
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        configureHost?.Invoke(builder);
        created = new TestHost(builder.Build(), time);
        return created;
    }

    /// <summary>Starts the host and waits until the echo device was probed.</summary>
    public async Task<EchoClient> StartAndGetEchoClientAsync(CancellationToken ct)
    {
        await StartAsync(ct);
        return await EchoDriver.WaitForClientAsync(ct);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        await Host.StartAsync(ct);
        _started = true;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        _stopped = true;
        await Host.StopAsync(ct);
    }

    public Task<HealthReport> CheckHealthAsync(CancellationToken ct) =>
        Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);

    /// <summary>Gets the mailbox writes so far, as "L:descriptor" / "R:descriptor".</summary>
    public List<string> Wire()
    {
        lock (_wireGate)
        {
            return [.. _wire.Select(w => $"{(w.Writer == QmpRole.Local ? 'L' : 'R')}:{w.Descriptor.Value:X8}")];
        }
    }

    /// <summary>Gets the local link's new states, in order.</summary>
    public List<string> LocalStates() =>
        [.. Transitions.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["tmel.qmp.role"], "local"))
            .Select(m => (string)m.Tags["tmel.qmp.link.state"]!)];

    /// <summary>Waits until a log record with this event id has been written <paramref name="occurrence"/> times.</summary>
    public async Task<FakeLogRecord> WaitForLogAsync(int eventId, int occurrence, CancellationToken ct)
    {
        int seen = 0;
        await foreach (FakeLogRecord record in Logs.GetLogsAsync(ct))
        {
            if (record.Id.Id == eventId && ++seen == occurrence)
            {
                return record;
            }
        }

        throw new InvalidOperationException("The log ended.");
    }

    public async ValueTask DisposeAsync()
    {
        // A host whose start failed is not stopped (its StopAsync throws then), only disposed.
        if (_started && !_stopped)
        {
            await Host.StopAsync(TestContext.Current.CancellationToken);
        }

        Transitions.Dispose();
        Host.Dispose();
    }

    private void Record(QmpMailboxWrite write)
    {
        lock (_wireGate)
        {
            _wire.Add(write);
        }
    }
}
