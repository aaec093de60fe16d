using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Simulator.Hosting;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Device;

/// <summary>
/// The simulator process serving the benchmark (a raw subsystem): the raw side writes each new mailbox back, and every
/// simulator announces <c>tmel-sink</c>, which consumes messages and answers nothing. Every wait is bounded.
/// </summary>
public sealed class SimulatorProcessBenchTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_WithARawSubsystem_AnnouncesTheSink_WhichConsumesEveryMessageAndAnswersNone()
    {
        var service = new TmelSimulatorProcessService(Options("raw", "apps"), TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(Ct);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            bound.CancelAfter(s_bound);
            using QmpSharedMemoryMailbox window = QmpSharedMemoryMailbox.AttachClient(_dir.File("served"), "apps");
            await using var bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(window, QmpRole.Local)));
            RpmsgDevice sink = await bus.WaitForDeviceAsync(BenchSink.Channel, bound.Token);
            await using RpmsgEndpoint client = bus.CreateEndpoint(RpmsgAddress.Any);

            // Each waiting send completes on the sink's rx_done: after it, the message was consumed.
            for (int i = 1; i <= 5; i++)
            {
                await client.SendToAsync(sink.Destination, new byte[24], bound.Token);
                Assert.Equal(i, Assert.Single(service.Sinks).Consumed);
            }

            // Nothing came back to the client.
            Assert.False(client.TryReceive(out _));
            Assert.Equal(0, bus.GetStatistics().MessagesReceived);
        }
        finally
        {
            await service.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Start_WithARawSubsystem_WritesEachNewMailboxBackWhole()
    {
        var service = new TmelSimulatorProcessService(Options("raw", "apps"), TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(Ct);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            bound.CancelAfter(s_bound);
            using QmpSharedMemoryMailbox window = QmpSharedMemoryMailbox.AttachClient(_dir.File("served"), "raw");
            byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
            byte[] peer = new byte[QmpMailboxLayout.MailboxSize];
            for (uint sequence = 1; sequence <= 3; sequence++)
            {
                Random.Shared.NextBytes(mailbox);
                BinaryPrimitives.WriteUInt32LittleEndian(mailbox, sequence);
                window.WriteOwn(mailbox);
                window.RingPeerDoorbell();
                for (window.ReadPeer(peer); BinaryPrimitives.ReadUInt32LittleEndian(peer) != sequence; window.ReadPeer(peer))
                {
                    await window.WaitForDoorbellAsync(bound.Token);
                }

                Assert.Equal(mailbox, peer);
            }
        }
        finally
        {
            await service.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Start_WithoutARawSubsystem_AnnouncesNoSink()
    {
        var service = new TmelSimulatorProcessService(Options(raw: null, "apps"), TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(Ct);
        try
        {
            Assert.Empty(service.Sinks);
        }
        finally
        {
            await service.StopAsync(Ct);
        }
    }

    private Microsoft.Extensions.Options.IOptions<TmelSimulatorProcessOptions> Options(string? raw, string subsystem)
    {
        var options = new TmelSimulatorProcessOptions { Directory = _dir.File("served"), SramSize = 64 * 1024, RawEchoSubsystem = raw };
        options.Subsystems.Add(subsystem);
        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
