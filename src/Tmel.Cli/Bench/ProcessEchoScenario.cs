using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>An rpmsg echo with the <c>tmel-echo</c> service of a <c>tmel simulator</c> process, over QMP on a shared-memory window.</summary>
internal sealed class ProcessEchoScenario(string directory, string subsystem, int payloadSize) : BenchScenario
{
    private static readonly TimeSpan s_deviceTimeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _payload = new byte[payloadSize];
    private QmpSharedMemoryMailbox? _window;
    private RpmsgBus? _bus;
    private RpmsgEndpoint? _client;
    private RpmsgAddress _service;

    public override string Name => "process echo";

    public override BenchTransport Transport => BenchTransport.Process;

    public override int PayloadSize => _payload.Length;

    /// <summary>Gets the bus once set up: the idle measurement keeps it connected.</summary>
    public RpmsgBus? Bus => _bus;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(_payload);
        _window = QmpSharedMemoryMailbox.AttachClient(directory, subsystem, TimeProvider.System);
        _bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(_window, QmpRole.Local)));
        RpmsgDevice device = await _bus.WaitForDeviceAsync("tmel-echo", s_deviceTimeout, cancellationToken).ConfigureAwait(false);
        _service = device.Destination;
        _client = _bus.CreateEndpoint(RpmsgAddress.Any);
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = _client!;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(_service, _payload, CancellationToken.None).ConfigureAwait(false);
            using RpmsgMessage reply = await client.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            if (reply.Length != _payload.Length)
            {
                throw new InvalidOperationException($"Expected a {_payload.Length}-byte reply, got {reply.Length} bytes.");
            }
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
