using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Support;

/// <summary>
/// The whole stack in one process: the application side (QmpLink, rpmsg bus, image-auth driver bound by announcement)
/// and the simulated TME-L, over one in-memory mailbox window and one shared-memory region.
/// </summary>
internal sealed class StackRig : IAsyncDisposable
{
    private StackRig(int sharedMemorySize, TimeProvider? time)
    {
        Time = time ?? new FakeTimeProvider(TestImages.Now);
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        SharedMemory = new QmpSharedMemoryRegion(sharedMemorySize);
        Simulator = new TmelSimulator(tme, new TmelSimulatorOptions { SharedMemory = SharedMemory, Fuses = TestImages.Fuses() }, Time);
        Bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, Time)), null, Time);
        Driver = new ImageAuthDriver(SharedMemory);
    }

    public TimeProvider Time { get; }

    public QmpSharedMemoryRegion SharedMemory { get; }

    public TmelSimulator Simulator { get; }

    public RpmsgBus Bus { get; }

    public ImageAuthDriver Driver { get; }

    public ImageAuthClient Client { get; private set; } = null!;

    public static async Task<StackRig> StartAsync(CancellationToken ct, int sharedMemorySize = 256 * 1024, TimeProvider? time = null)
    {
        var rig = new StackRig(sharedMemorySize, time);
        await rig.Bus.RegisterDriverAsync(rig.Driver, ct);
        await rig.Simulator.StartAsync(ct);
        rig.Client = await rig.Driver.WaitForClientAsync(ct);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Bus.DisposeAsync();
    }
}
