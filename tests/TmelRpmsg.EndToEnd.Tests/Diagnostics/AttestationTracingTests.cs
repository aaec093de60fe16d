using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tmel.Services.Attestation;
using Tmel.Services.Device;
using TmelRpmsg.EndToEnd.Tests.Support;

namespace TmelRpmsg.EndToEnd.Tests.Diagnostics;

/// <summary>One attestation request through the hosted stack is one trace: client send, the simulator's QWES service, its reply, the client's read.</summary>
public class AttestationTracingTests
{
    private const string TestSourceName = "TmelRpmsg.EndToEnd.Tests.Attestation";
    private static readonly ActivitySource s_testSource = new(TestSourceName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AttestAsync_UnderATestRoot_IsOneTraceFromClientToSimulatorServiceAndBack()
    {
        var spans = new List<Activity>();
        await using TestHost host = TestHost.Build(configureHost: builder => builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(TestSourceName).AddInMemoryExporter(spans)));
        await host.StartAsync(Ct);
        AttestationClient client = await host.Services.GetRequiredService<AttestationDriver>().WaitForClientAsync(Ct);
        byte[] nonce = new byte[32];

        ActivityTraceId traceId;
        byte[] token;
        using (Activity root = s_testSource.StartActivity("test attest", ActivityKind.Internal, parentContext: default)!)
        {
            traceId = root.TraceId;
            token = await client.AttestAsync(nonce, cancellationToken: Ct);
        }

        await host.StopAsync(Ct);
        Activity rootSpan = Assert.Single(spans, s => s.DisplayName == "test attest");
        Activity send = Assert.Single(spans, s => s.DisplayName == "send tmel-attest" && s.TraceId == traceId);
        Activity process = Assert.Single(spans, s => s.DisplayName == "process tmel-attest");
        Activity reply = Assert.Single(spans, s => s.DisplayName == "sendto tmel-attest");
        Activity receive = Assert.Single(spans, s => s.DisplayName == "receive tmel-attest" && s.TraceId == traceId);
        Assert.Equal(rootSpan.SpanId, send.ParentSpanId);
        Assert.Equal((traceId, send.SpanId), (process.TraceId, process.ParentSpanId));
        Assert.Equal((traceId, process.SpanId), (reply.TraceId, reply.ParentSpanId));
        Assert.Equal(rootSpan.SpanId, receive.ParentSpanId);
        Assert.True(token.Length > 0);
    }

    [Fact]
    public async Task Host_AddAttestationAndAddDevice_BindTheirChannels()
    {
        await using TestHost host = TestHost.Build();
        await host.StartAsync(Ct);

        DeviceClient device = await host.Services.GetRequiredService<DeviceDriver>().WaitForClientAsync(Ct);
        AttestationClient attestation = await host.Services.GetRequiredService<AttestationDriver>().WaitForClientAsync(Ct);

        Assert.Equal(DeviceDriver.ChannelName, device.Device!.Name);
        Assert.Equal(AttestationDriver.ChannelName, attestation.Device!.Name);
        Assert.Equal(5, await device.LoopbackAsync(2, 3, Ct));
        await host.StopAsync(Ct);
    }
}
