using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Rpmsg.Core;
using Tmel.Services.Echo;
using Tmel.Transport.Qmp;
using TmelRpmsg.EndToEnd.Tests.Support;

namespace TmelRpmsg.EndToEnd.Tests.Diagnostics;

/// <summary>Traces and metrics of the hosted stack, exported through OpenTelemetry's in-memory exporter as the host wires it.</summary>
public class TmelTracingTests
{
    private const string TestSourceName = "TmelRpmsg.EndToEnd.Tests";
    private static readonly ActivitySource s_testSource = new(TestSourceName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TestHost BuildTracedHost(List<Activity> spans, List<Metric>? metrics = null) =>
        TestHost.Build(configureHost: builder =>
        {
            OpenTelemetryBuilder otel = builder.Services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddSource(TestSourceName).AddInMemoryExporter(spans));
            if (metrics is not null)
            {
                otel.WithMetrics(m => m.AddInMemoryExporter(metrics));
            }
        });

    [Fact]
    public async Task EchoRequest_UnderATestRoot_SendProcessReplyAndReceive_AreOneTraceWithTheMessagingAttributes()
    {
        var spans = new List<Activity>(); // the exporting processor adds one span at a time
        await using TestHost host = BuildTracedHost(spans);
        EchoClient client = await host.StartAndGetEchoClientAsync(Ct);
        RpmsgAddress local = client.Device.Source;
        RpmsgAddress remote = client.Device.Destination;

        ActivityTraceId traceId;
        using (Activity root = s_testSource.StartActivity("test echo", ActivityKind.Internal, parentContext: default)!)
        {
            Assert.NotNull(root);
            traceId = root.TraceId;
            await client.EchoAsync(new byte[24], Ct);
        }

        // Stopping the host ends the simulator's handling too (its bus waits for the echo loop), so every span has ended.
        await host.StopAsync(Ct);
        Activity rootSpan = Assert.Single(spans, s => s.DisplayName == "test echo");
        Activity send = Assert.Single(spans, s => s.DisplayName == "send tmel-echo" && s.TraceId == traceId);
        Activity process = Assert.Single(spans, s => s.DisplayName == "process tmel-echo");
        Activity reply = Assert.Single(spans, s => s.DisplayName == "sendto tmel-echo");
        Activity receive = Assert.Single(spans, s => s.DisplayName == "receive tmel-echo" && s.TraceId == traceId);

        // The client's send: a Producer child of the test's root.
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(rootSpan.SpanId, send.ParentSpanId);
        AssertMessaging(send, "send", "send", local, remote, 24);
        Assert.False(string.IsNullOrEmpty(send.GetTagItem("messaging.message.id") as string));
        Assert.True(long.TryParse((string)send.GetTagItem("messaging.message.id")!, out _));

        // The simulator handles it: a Consumer child of the client's send, across the link (context carried out of band).
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        AssertMessaging(process, "process", "process", local, remote, 24);

        // Its reply: a Producer child of the process span, back to the client's address.
        Assert.Equal(ActivityKind.Producer, reply.Kind);
        Assert.Equal(process.SpanId, reply.ParentSpanId);
        AssertMessaging(reply, "send", "sendto", remote, local, 24);

        // The client's pull read: a Client span linked to the reply's send.
        Assert.Equal(ActivityKind.Client, receive.Kind);
        Assert.Equal(rootSpan.SpanId, receive.ParentSpanId);
        AssertMessaging(receive, "receive", "receive", remote, local, 24);
        Assert.Contains(receive.Links, link => link.Context.SpanId == reply.SpanId && link.Context.TraceId == reply.TraceId);

        // One trace for the whole request.
        Assert.All(new[] { send, process, reply, receive }, s => Assert.Equal(traceId, s.TraceId));
        Assert.All(new[] { send, process, reply, receive }, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Fact]
    public async Task LinkBringUpAndEcho_RecordLinkStateSpansAndQmpAndMessagingMetrics()
    {
        var spans = new List<Activity>(); // the exporting processor adds one span at a time
        var exported = new List<Metric>();
        await using TestHost host = BuildTracedHost(spans, exported);
        IMeterFactory meters = host.Services.GetRequiredService<IMeterFactory>();
        using var fragments = new MetricCollector<long>(meters, QmpTelemetry.SourceName, "tmel.qmp.fragments");
        using var sent = new MetricCollector<long>(meters, RpmsgTelemetry.SourceName, "messaging.client.sent.messages");

        EchoClient client = await host.StartAndGetEchoClientAsync(Ct);
        await client.EchoAsync(new byte[25], Ct);
        await host.StopAsync(Ct); // every span has ended, and the collection is no longer written

        // Link state spans: the local side's bring-up, one span per change, from and to.
        Activity connected = Assert.Single(spans, span => span.DisplayName == "qmp link_state"
            && Equals(span.GetTagItem("tmel.qmp.role"), "local")
            && Equals(span.GetTagItem("tmel.qmp.link.state"), "ChannelConnected"));
        Assert.Equal("LocalConnecting", connected.GetTagItem("tmel.qmp.link.previous_state"));
        Assert.Equal(ActivityKind.Internal, connected.Kind);

        // The 25-byte request went out as two fragments (24 + 1); the local side sends nothing else.
        Assert.Equal(2, fragments.GetMeasurementSnapshot().Count(m => Equals(m.Tags["tmel.qmp.direction"], "sent") && Equals(m.Tags["tmel.qmp.role"], "local")));
        Assert.Contains(fragments.GetMeasurementSnapshot(), m => Equals(m.Tags["tmel.qmp.direction"], "received"));

        CollectedMeasurement<long> send = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal(1, send.Value);
        Assert.Equal("rpmsg", send.Tags["messaging.system"]);
        Assert.Equal("send", send.Tags["messaging.operation.name"]);
        Assert.Equal("tmel-echo", send.Tags["messaging.destination.name"]);

        // The host's own meter provider collects the same instruments (its AddMeter names every library).
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
        string[] names = [.. exported.Select(m => m.Name).Distinct()];
        Assert.Contains("tmel.qmp.fragments", names);
        Assert.Contains("tmel.qmp.link.transitions", names);
        Assert.Contains("messaging.client.sent.messages", names);
        Assert.Contains("messaging.client.operation.duration", names);
    }

    private static void AssertMessaging(Activity span, string operationType, string operationName, RpmsgAddress source, RpmsgAddress destination, int bodySize)
    {
        Assert.Equal("rpmsg", span.GetTagItem("messaging.system"));
        Assert.Equal(operationType, span.GetTagItem("messaging.operation.type"));
        Assert.Equal(operationName, span.GetTagItem("messaging.operation.name"));
        Assert.Equal("tmel-echo", span.GetTagItem("messaging.destination.name"));
        Assert.Equal((long)source.Value, span.GetTagItem("messaging.rpmsg.source_address"));
        Assert.Equal((long)destination.Value, span.GetTagItem("messaging.rpmsg.destination_address"));
        Assert.Equal(bodySize, span.GetTagItem("messaging.message.body.size"));
    }
}
