using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Diagnostics;

public class RpmsgTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void SourceName_IsTheAssemblyName()
    {
        Assert.Equal(RpmsgTelemetry.SourceName, typeof(RpmsgBus).Assembly.GetName().Name);
    }

    [Fact]
    public async Task SendTo_CallbackEndpoint_ProducerSpanWithChildConsumerSpan()
    {
        using var recorder = new ActivityRecorder(RpmsgTelemetry.SourceName);
        await using var pair = new BusPair(time: TimeProvider.System);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = (_, _, _) => received.TrySetResult() });
        await using RpmsgEndpoint client = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        await client.SendToAsync(service.Address, new byte[] { 1, 2, 3 }, Ct);
        await received.Task.WaitAsync(Ct);

        Activity send = await recorder.WaitForAsync($"sendto {service.Address}");
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(recorder.Root.SpanId, send.ParentSpanId);
        Assert.Equal("rpmsg", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("sendto", send.GetTagItem("messaging.operation.name"));
        Assert.Equal(service.Address.ToString(), send.GetTagItem("messaging.destination.name"));
        Assert.Equal((long)client.Address.Value, send.GetTagItem("messaging.rpmsg.source_address"));
        Assert.Equal((long)service.Address.Value, send.GetTagItem("messaging.rpmsg.destination_address"));
        Assert.Equal(3, send.GetTagItem("messaging.message.body.size"));
        Assert.NotNull(send.GetTagItem("messaging.message.id"));
        Assert.Equal(ActivityStatusCode.Unset, send.Status);

        Activity process = await recorder.WaitForAsync($"process {service.Address}");
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
    }

    [Fact]
    public async Task ReceiveAsync_QueuedEndpoint_ClientSpanLinkedToTheSend()
    {
        using var recorder = new ActivityRecorder(RpmsgTelemetry.SourceName);
        await using var pair = new BusPair(time: TimeProvider.System);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint client = pair.Local.CreateEndpoint(RpmsgAddress.Any);

        await client.SendToAsync(service.Address, new byte[] { 7 }, Ct);
        using RpmsgMessage message = await service.ReceiveAsync(Ct);

        Activity send = await recorder.WaitForAsync($"sendto {service.Address}");
        Assert.Equal(send.Context, message.TraceContext);
        Activity receive = await recorder.WaitForAsync($"receive {service.Address}");
        Assert.Equal(ActivityKind.Client, receive.Kind);
        Assert.Equal("receive", receive.GetTagItem("messaging.operation.name"));
        Assert.Contains(receive.Links, link => link.Context == send.Context);
    }

    [Fact]
    public async Task StartProcessActivity_QueuedMessage_ConsumerSpanChildOfTheSend_AndCurrentForTheReply()
    {
        using var recorder = new ActivityRecorder(RpmsgTelemetry.SourceName);
        await using var pair = new BusPair(time: TimeProvider.System);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint client = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await client.SendToAsync(service.Address, new byte[] { 1, 2 }, Ct);
        using RpmsgMessage request = await service.ReceiveAsync(Ct);
        Activity send = await recorder.WaitForAsync($"sendto {service.Address}");

        using (Activity? process = RpmsgTelemetry.StartProcessActivity(request, "tmel-echo"))
        {
            Assert.NotNull(process);
            Assert.Same(process, Activity.Current);
            Assert.Equal("process tmel-echo", process.DisplayName);
            Assert.Equal(ActivityKind.Consumer, process.Kind);
            Assert.Equal(send.SpanId, process.ParentSpanId);
            Assert.Equal(send.TraceId, process.TraceId);
            Assert.Equal("rpmsg", process.GetTagItem("messaging.system"));
            Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
            Assert.Equal("process", process.GetTagItem("messaging.operation.name"));
            Assert.Equal("tmel-echo", process.GetTagItem("messaging.destination.name"));
            Assert.Equal((long)client.Address.Value, process.GetTagItem("messaging.rpmsg.source_address"));
            Assert.Equal((long)service.Address.Value, process.GetTagItem("messaging.rpmsg.destination_address"));
            Assert.Equal(2, process.GetTagItem("messaging.message.body.size"));
        }
    }

    [Fact]
    public async Task StartProcessActivity_NullArguments_Throw()
    {
        await using var pair = new BusPair(time: TimeProvider.System);
        await using RpmsgEndpoint service = pair.Remote.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint client = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await client.SendToAsync(service.Address, new byte[] { 1 }, Ct);
        using RpmsgMessage request = await service.ReceiveAsync(Ct);

        Assert.Throws<ArgumentNullException>("message", () => RpmsgTelemetry.StartProcessActivity(null!, "tmel-echo"));
        Assert.Throws<ArgumentNullException>("channelName", () => RpmsgTelemetry.StartProcessActivity(request, null!));
    }

    [Fact]
    public async Task SendAsync_LinkDown_SpanCarriesErrorTypeAndStatus()
    {
        using var recorder = new ActivityRecorder(RpmsgTelemetry.SourceName);
        await using var pair = new BusPair(time: TimeProvider.System);
        await using RpmsgEndpoint client = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        pair.Link.SetLinkDown();

        await Assert.ThrowsAsync<RpmsgException>(async () => await client.SendToAsync(new RpmsgAddress(2000), new byte[] { 1 }, Ct));

        Activity send = await recorder.WaitForAsync("sendto 2000");
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.Equal(typeof(RpmsgException).FullName, send.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Metrics_SendAndProcess_RecordedWithRequiredAttributes()
    {
        // One factory per bus: a MetricCollector follows one instrument, and each bus has its own.
        using var localMeters = new TestMeterFactory();
        using var remoteMeters = new TestMeterFactory();
        using var sent = new MetricCollector<long>(localMeters, RpmsgTelemetry.SourceName, "messaging.client.sent.messages");
        using var duration = new MetricCollector<double>(localMeters, RpmsgTelemetry.SourceName, "messaging.client.operation.duration");
        using var consumed = new MetricCollector<long>(remoteMeters, RpmsgTelemetry.SourceName, "messaging.client.consumed.messages");
        using var localActive = new MetricCollector<long>(localMeters, RpmsgTelemetry.SourceName, "rpmsg.endpoints.active");
        using var remoteActive = new MetricCollector<long>(remoteMeters, RpmsgTelemetry.SourceName, "rpmsg.endpoints.active");
        var link = new RpmsgLoopback();
        await using var local = new RpmsgBus(link.First, meterFactory: localMeters);
        await using var remote = new RpmsgBus(link.Second, meterFactory: remoteMeters);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RpmsgEndpoint service = remote.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = (_, _, _) => received.TrySetResult() });
        await using RpmsgEndpoint client = local.CreateEndpoint(RpmsgAddress.Any);

        await client.SendToAsync(service.Address, new byte[] { 1 }, Ct);
        await received.Task.WaitAsync(Ct);

        CollectedMeasurement<long> one = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal(1, one.Value);
        Assert.Equal("rpmsg", one.Tags["messaging.system"]);
        Assert.Equal("sendto", one.Tags["messaging.operation.name"]);
        Assert.Single(duration.GetMeasurementSnapshot());
        await consumed.WaitForMeasurementsAsync(1, Ct); // recorded once the callback returned, on the far side
        Assert.Equal("process", Assert.Single(consumed.GetMeasurementSnapshot()).Tags["messaging.operation.name"]);
        Assert.Equal(1, localActive.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, remoteActive.GetMeasurementSnapshot().Sum(m => m.Value));
    }
}
