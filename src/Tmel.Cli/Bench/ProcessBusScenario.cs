using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// An rpmsg scenario against one announced service of a <c>tmel simulator</c> process, over QMP on a shared-memory window: it
/// attaches, waits for the service's device and creates one client endpoint; the subclass sends.
/// </summary>
internal abstract class ProcessBusScenario(string directory, string subsystem, string channel, int payloadSize) : BenchScenario
{
    private static readonly TimeSpan s_deviceTimeout = TimeSpan.FromSeconds(10);
    private QmpSharedMemoryMailbox? _window;
    private RpmsgBus? _bus;

    public override BenchTransport Transport => BenchTransport.Process;

    public override int PayloadSize => Payload.Length;

    /// <summary>Gets the bus once set up: the idle measurement keeps it connected.</summary>
    public RpmsgBus? Bus => _bus;

    /// <summary>Gets the random payload every operation sends.</summary>
    protected byte[] Payload { get; } = new byte[payloadSize];

    /// <summary>Gets the client endpoint (after set-up).</summary>
    protected RpmsgEndpoint Client { get; private set; } = null!;

    /// <summary>Gets the service's address (after set-up).</summary>
    protected RpmsgAddress Service { get; private set; }

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(Payload);
        _window = QmpSharedMemoryMailbox.AttachClient(directory, subsystem, TimeProvider.System);
        _bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(_window, QmpRole.Local)));
        RpmsgDevice device = await _bus.WaitForDeviceAsync(channel, s_deviceTimeout, cancellationToken).ConfigureAwait(false);
        Service = device.Destination;
        Client = _bus.CreateEndpoint(RpmsgAddress.Any);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        if (_bus is not null)
        {
            await _bus.DisposeAsync().ConfigureAwait(false);
        }

        _window?.Dispose();
    }
}
