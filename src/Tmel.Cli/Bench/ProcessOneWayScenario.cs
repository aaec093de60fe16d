using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// rpmsg messages one way to the <c>tmel-sink</c> service of a <c>tmel simulator</c> process serving the benchmark, over QMP on
/// a shared-memory window: each waiting send completes when the sink consumed the message (its <c>rx_done</c>), so a batch
/// ends when its last send completed.
/// </summary>
internal sealed class ProcessOneWayScenario(string directory, string subsystem, int payloadSize) : BenchScenario
{
    /// <summary>The channel name of the simulator process's one-way sink (announced with <c>--raw-echo</c>).</summary>
    public const string SinkChannel = "tmel-sink";

    private static readonly TimeSpan s_deviceTimeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _payload = new byte[payloadSize];
    private QmpSharedMemoryMailbox? _window;
    private RpmsgBus? _bus;
    private RpmsgEndpoint? _client;
    private RpmsgAddress _sink;

    public override string Name => "process one way";

    public override BenchTransport Transport => BenchTransport.Process;

    public override int PayloadSize => _payload.Length;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(_payload);
        _window = QmpSharedMemoryMailbox.AttachClient(directory, subsystem, TimeProvider.System);
        _bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(_window, QmpRole.Local)));
        RpmsgDevice device = await _bus.WaitForDeviceAsync(SinkChannel, s_deviceTimeout, cancellationToken).ConfigureAwait(false);
        _sink = device.Destination;
        _client = _bus.CreateEndpoint(RpmsgAddress.Any);
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = _client!;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(_sink, _payload, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_bus is not null)
        {
            await _bus.DisposeAsync().ConfigureAwait(false);
        }

        _window?.Dispose();
    }
}
