using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Commands;
using Tmel.Cli.Hosting;
using Tmel.Cli.Tests.Commands;
using Tmel.Services.Echo;

namespace Tmel.Cli.Tests.Tracing;

/// <summary>
/// Both processes real: one echo from a client in this test to a <c>tmel simulator</c> process is one trace. The client's
/// spans are collected here; the simulator's come from its OpenTelemetry console exporter (the same <c>Tmel:Telemetry</c>
/// settings as the tmel host), read from its standard output. The W3C context crosses in the window's trace sideband both
/// ways. Bounded; the simulator stopped, the directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class CrossProcessTraceTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private static readonly ActivitySource s_test = new("Tmel.Cli.Tests.CrossProcess");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-tr-" + Guid.NewGuid().ToString("N")[..8]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Echo_ToASimulatorProcess_IsOneTrace_ServiceSpanIsAChildOfTheClientsSend_AndTheReceiveIsLinkedToTheServicesReply()
    {
        await using SimulatorProcess simulator = await SimulatorProcess.StartAsync(
            ["--dir", _directory, "--Tmel:Telemetry:Exporter=console", "--Logging:LogLevel:Default=Information"], s_bound, TimeProvider.System, Ct);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == s_test.Name || TmelTelemetry.AllSources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_bound);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTmelRpmsg().UseSimulatorProcess(_directory).UseQmp().AddEcho();
        using IHost host = builder.Build();
        await host.StartAsync(limit.Token);
        EchoClient echo = await host.Services.GetRequiredService<EchoDriver>().WaitForClientAsync(s_bound, TimeProvider.System, limit.Token);

        ActivityTraceId traceId;
        using (Activity request = s_test.StartActivity("one request")!)
        {
            traceId = request.TraceId;
            Assert.Equal("one trace"u8.ToArray(), await echo.EchoAsync("one trace"u8.ToArray(), limit.Token));
        }

        Activity[] client = [.. spans.Where(a => a.TraceId == traceId)];
        Activity send = Assert.Single(client, a => a.Kind == ActivityKind.Producer && a.DisplayName == "send tmel-echo");

        // The simulator's spans of this trace: its service's process span is a child of our send span.
        // Its process span ends after the reply was sent, so it is exported after our echo completed: wait for it.
        string sendId = send.SpanId.ToHexString();
        await simulator.WaitForStandardOutputAsync(
            line => line.StartsWith("Activity.ParentSpanId:", StringComparison.Ordinal) && line.EndsWith(sendId, StringComparison.Ordinal), s_bound, TimeProvider.System, limit.Token);
        ExportedSpan[] served = [.. ExportedSpan.Parse(simulator.StandardOutputLines).Where(s => s.TraceId == traceId.ToHexString())];
        ExportedSpan process = Assert.Single(served, s => s.ParentSpanId == send.SpanId.ToHexString());
        Assert.Equal("process tmel-echo", process.DisplayName);

        // And back: the service's reply is sent inside its process span, and carried its context to us; our pulled receive
        // is linked to that send (a receive starts before it knows which message it gets, docs/tracing.md).
        ExportedSpan replySend = Assert.Single(served, s => s.ParentSpanId == process.SpanId && s.DisplayName.StartsWith("send", StringComparison.Ordinal));
        Activity receive = Assert.Single(client, a => a.DisplayName == "receive tmel-echo");
        Assert.Contains(receive.Links, link => link.Context.TraceId == traceId && link.Context.SpanId.ToHexString() == replySend.SpanId);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"trace {traceId}: client {string.Join(", ", client.Select(a => $"{a.DisplayName} {a.SpanId}<-{a.ParentSpanId}"))}; " +
            $"simulator {string.Join(", ", served.Select(s => $"{s.DisplayName} {s.SpanId}<-{s.ParentSpanId}"))}.");

        // Logs and metrics go to the same exporter: log records now, metrics when it stops (the meter provider's last export).
        await host.StopAsync(limit.Token);
        Assert.Equal(0, await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
        IReadOnlyList<string> output = simulator.StandardOutputLines;
        Assert.Contains(output, line => line.StartsWith("LogRecord.", StringComparison.Ordinal));
        Assert.Contains(output, line => line.StartsWith("Metric Name: tmel.qmp.fragments", StringComparison.Ordinal));
    }

    /// <summary>One span as the OpenTelemetry console exporter prints it (the <c>Activity.*:</c> lines of one block).</summary>
    private sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string DisplayName)
    {
        public static IEnumerable<ExportedSpan> Parse(IReadOnlyList<string> lines)
        {
            Dictionary<string, string>? block = null;
            foreach (string line in lines.Append("Activity.TraceId: end"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (!line.StartsWith("Activity.", StringComparison.Ordinal) || colon < 0)
                {
                    continue;
                }

                string key = line[..colon];
                if (key == "Activity.TraceId")
                {
                    if (block is not null && block.TryGetValue("Activity.SpanId", out string? spanId))
                    {
                        yield return new ExportedSpan(block["Activity.TraceId"], spanId, block.GetValueOrDefault("Activity.ParentSpanId", string.Empty), block.GetValueOrDefault("Activity.DisplayName", string.Empty));
                    }

                    block = [];
                }

                block?.TryAdd(key, line[(colon + 1)..].Trim());
            }
        }
    }
}
