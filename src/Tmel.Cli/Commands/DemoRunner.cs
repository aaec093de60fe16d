using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Cli.Hosting;
using Tmel.Services.Attestation;
using Tmel.Services.Crypto;
using Tmel.Services.Device;
using Tmel.Services.Echo;
using Tmel.Services.ImageAuth;
using Tmel.Simulator;

namespace Tmel.Cli.Commands;

/// <summary>The main job: a host with the in-memory simulator, link up, announcements, every service exercised, a transcript.</summary>
internal sealed partial class DemoRunner(DemoSettings settings, TextWriter output, Action<HostApplicationBuilder>? configureHost = null)
{
    private static readonly int[] s_echoSizes = [1, 24, 25, 6144];
    private readonly DemoReport _report = new(output, settings.Json);
    private readonly List<(string Step, ActivityTraceId TraceId)> _traces = [];
    private int _linkStatesShown;

    /// <summary>Runs the demo; returns 0 only if every step succeeded.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // A fresh signing identity (or the one given); the simulated device's fuses trust its root.
        using TsimSigningIdentity identity = settings.KeysDirectory is { } keys
            ? TsimSigningIdentity.Load(keys)
            : TsimSigningIdentity.Create(new TsimIdentityOptions { SwId = DemoFirmware.SoftwareId, OemId = 0x0001, ModelId = 0x0001, HwId = 0x0013_00E1 });
        if (!settings.SimulatorProcess)
        {
            return await RunCoreAsync(identity, settings.ConnectDirectory, cancellationToken).ConfigureAwait(false);
        }

        // A simulator of our own in a temporary directory, trusting the identity; stopped (SIGTERM) and removed at the end.
        string directory = Path.Combine(Path.GetTempPath(), "tmel-demo-" + Guid.NewGuid().ToString("N")[..8]);
        string keyDirectory = Path.Combine(directory, "keys");
        identity.Save(keyDirectory);
        try
        {
            SimulatorProcess simulator = await SimulatorProcess.StartAsync(["--dir", directory, "--keys", keyDirectory], settings.Timeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable disposeSimulator = simulator.ConfigureAwait(false);
            int result = await RunCoreAsync(identity, directory, cancellationToken).ConfigureAwait(false);
            int? exit = await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System).ConfigureAwait(false);
            _report.SimulatorStopped(simulator.Id, exit);
            return exit == 0 ? result : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<int> RunCoreAsync(TsimSigningIdentity identity, string? simulatorDirectory, CancellationToken cancellationToken)
    {
        // The host's tracer provider owns (and disposes) the recorder.
        var spans = new DemoSpanRecorder();
        MailboxTraceFile? wire = settings.MailboxTracePath is null ? null : new MailboxTraceFile();

        HostApplicationBuilder builder = TmelHostBuilder.Create(
            settings.HostArgs,
            stack =>
            {
                stack.Services.Configure<TmelSimulatorOptions>(o => o.Fuses = identity.CreateFuses());
                if (wire is not null)
                {
                    stack.AddQmpMailboxTrace(wire.Record);
                }
            },
            spans,
            simulatorDirectory);
        configureHost?.Invoke(builder);

        using IHost host = TmelHostBuilder.Build(builder);
        TimeProvider time = host.Services.GetRequiredService<TimeProvider>();
        long started = time.GetTimestamp();
        _report.Header(simulatorDirectory is null
            ? "the simulated TME-L over QMP (in-memory mailbox window), an rpmsg bus on each side, OpenTelemetry tracing"
            : $"the simulated TME-L in its own process over QMP (shared-memory window in {simulatorDirectory}), an rpmsg bus on each side, OpenTelemetry tracing");

        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        CancellationToken ct = linked.Token;
        bool hostStarted = false;
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            hostStarted = true;
            RpmsgBus bus = host.Services.GetRequiredService<RpmsgBus>();
            await bus.WaitForDeviceAsync(EchoClient.ChannelName, settings.Timeout, ct).ConfigureAwait(false);
            await bus.WaitForDeviceAsync(ImageAuthDriver.ChannelName, settings.Timeout, ct).ConfigureAwait(false);
            await bus.WaitForDeviceAsync(AttestationDriver.ChannelName, settings.Timeout, ct).ConfigureAwait(false);
            await bus.WaitForDeviceAsync(DeviceDriver.ChannelName, settings.Timeout, ct).ConfigureAwait(false);
            await bus.WaitForDeviceAsync(CryptoDriver.ChannelName, settings.Timeout, ct).ConfigureAwait(false);
            ShowLinkStates(spans, started, time);
            foreach (RpmsgDevice device in bus.Devices.Where(d => d.IsAnnounced))
            {
                _report.Channel(device.Name, device.Source.Value, device.Destination.Value);
            }

            await RunEchoAsync(host.Services, time, ct).ConfigureAwait(false);
            await RunImageAuthAsync(host.Services, identity, time, ct).ConfigureAwait(false);
            await RunDeviceAsync(host.Services, identity, time, ct).ConfigureAwait(false);
            await RunCryptoAsync(host.Services, time, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            _report.Error("run", timeout.IsCancellationRequested ? $"the demo did not finish within {settings.Timeout.TotalSeconds:0.#} s" : ex.Message);
        }

        if (hostStarted)
        {
            await StopAsync(host, spans, started, time, cancellationToken).ConfigureAwait(false);
        }

        foreach ((string step, ActivityTraceId traceId) in _traces)
        {
            _report.Trace(step, traceId.ToHexString(), [.. spans.Trace(traceId).Select(Describe)]);
        }

        if (wire is not null)
        {
            await wire.SaveAsync(settings.MailboxTracePath!, cancellationToken).ConfigureAwait(false);
        }

        _report.Result();
        return _report.FailedSteps == 0 ? 0 : 1;
    }

    private async Task RunEchoAsync(IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        EchoClient client = await services.GetRequiredService<EchoDriver>().WaitForClientAsync(settings.Timeout, time, ct).ConfigureAwait(false);
        foreach (int size in s_echoSizes)
        {
            byte[] request = new byte[size];
            Random.Shared.NextBytes(request);
            await StepAsync($"echo {size} B", $"{size} B", time, async () =>
            {
                byte[] reply = await client.EchoAsync(request, ct).ConfigureAwait(false);
                bool same = reply.AsSpan().SequenceEqual(request);
                int fragments = Math.Max(1, (size + 23) / 24);
                return (same, $"{reply.Length} B", same ? $"{fragments} fragment{(fragments == 1 ? string.Empty : "s")} each way" : "the reply differs from the request");
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one request under its own root span and reports it; a typed failure is a failed step, not a crash.</summary>
    private async Task StepAsync(string step, string request, TimeProvider time, Func<Task<(bool Ok, string Response, string Detail)>> run)
    {
        using Activity? root = TmelTelemetry.Source.StartActivity($"demo {step}", ActivityKind.Internal, parentContext: default);
        long started = time.GetTimestamp();
        try
        {
            (bool ok, string response, string detail) = await run().ConfigureAwait(false);
            _report.Request(step, request, response, ok, time.GetElapsedTime(started).TotalMilliseconds, detail);
        }
        catch (Exception ex) when (ex is Rpmsg.Core.RpmsgException or TimeoutException or TsimImageException or Tmel.Services.TmelServiceException or Tmel.Services.Attestation.AttestationVerificationException)
        {
            _report.Request(step, request, ex.GetType().Name, ok: false, time.GetElapsedTime(started).TotalMilliseconds, ex.Message);
        }

        if (root is not null)
        {
            _traces.Add((step, root.TraceId));
        }
    }

    private async Task StopAsync(IHost host, DemoSpanRecorder spans, long demoStarted, TimeProvider time, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        try
        {
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
            ShowLinkStates(spans, demoStarted, time);
            _report.Shutdown(ok: true, time.GetElapsedTime(started).TotalMilliseconds, "host stopped: channel closed, simulator withdrawn, link down");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _report.Shutdown(ok: false, time.GetElapsedTime(started).TotalMilliseconds, ex.Message);
        }
    }

    /// <summary>Prints the link-state changes (one span each) not shown yet, in the order they happened.</summary>
    private void ShowLinkStates(DemoSpanRecorder spans, long demoStarted, TimeProvider time)
    {
        Activity[] states = [.. spans.Snapshot().Where(a => a.OperationName == "qmp link_state" || a.DisplayName == "qmp link_state").OrderBy(a => a.StartTimeUtc)];
        DateTime origin = time.GetUtcNow().UtcDateTime - time.GetElapsedTime(demoStarted);
        foreach (Activity state in states.Skip(_linkStatesShown))
        {
            _report.LinkState(
                state.GetTagItem("tmel.qmp.role") as string ?? "?",
                state.GetTagItem("tmel.qmp.link.previous_state") as string ?? "?",
                state.GetTagItem("tmel.qmp.link.state") as string ?? "?",
                Math.Max(0, (state.StartTimeUtc - origin).TotalMilliseconds));
        }

        _linkStatesShown = states.Length;
    }

    private static string Describe(Activity span) => $"{span.DisplayName} [{span.Kind.ToString().ToLowerInvariant()}]";
}
