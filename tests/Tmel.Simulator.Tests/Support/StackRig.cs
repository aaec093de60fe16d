using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Device;
using Tmel.Services.Echo;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Support;

/// <summary>
/// The whole stack in one process: the application side (QmpLink, rpmsg bus, image-auth driver bound by announcement)
/// and the simulated TME-L, over one in-memory mailbox window and one shared-memory region.
/// </summary>
internal sealed class StackRig : IAsyncDisposable
{
    private StackRig(int sharedMemorySize, TimeProvider? time, TimeProvider? clientTime, ImageAuthClientOptions? options)
    {
        Time = time ?? new FakeTimeProvider(TestImages.Now);
        TimeProvider client = clientTime ?? Time;
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        SharedMemory = new QmpSharedMemoryRegion(sharedMemorySize);
        Simulator = new TmelSimulator(tme, new TmelSimulatorOptions { SharedMemory = SharedMemory, Fuses = TestImages.Fuses() }, Time);
        Bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, client)), null, client);
        Driver = new ImageAuthDriver(SharedMemory, options);
        AttestationDriver = new AttestationDriver(SharedMemory, options);
        DeviceDriver = new DeviceDriver(SharedMemory, options);
    }

    public TimeProvider Time { get; }

    public QmpSharedMemoryRegion SharedMemory { get; }

    public TmelSimulator Simulator { get; }

    public RpmsgBus Bus { get; }

    public ImageAuthDriver Driver { get; }

    public ImageAuthClient Client { get; private set; } = null!;

    public AttestationDriver AttestationDriver { get; }

    public DeviceDriver DeviceDriver { get; }

    public AttestationClient Attestation { get; private set; } = null!;

    public DeviceClient Device { get; private set; } = null!;

    /// <param name="ct">Ends the start.</param>
    /// <param name="sharedMemorySize">The shared-memory region's size.</param>
    /// <param name="time">The simulator's clock (and the client's unless <paramref name="clientTime"/> is given): fake, at <see cref="TestImages.Now"/>, when null.</param>
    /// <param name="clientTime">The application side's clock (its link, bus and clients' timeouts).</param>
    /// <param name="options">The image-auth clients' options.</param>
    public static async Task<StackRig> StartAsync(CancellationToken ct, int sharedMemorySize = 256 * 1024, TimeProvider? time = null, TimeProvider? clientTime = null, ImageAuthClientOptions? options = null)
    {
        var rig = new StackRig(sharedMemorySize, time, clientTime, options);
        await rig.Bus.RegisterDriverAsync(rig.Driver, ct);
        await rig.Bus.RegisterDriverAsync(rig.AttestationDriver, ct);
        await rig.Bus.RegisterDriverAsync(rig.DeviceDriver, ct);
        await rig.Simulator.StartAsync(ct);
        rig.Client = await rig.Driver.WaitForClientAsync(ct);
        rig.Attestation = await rig.AttestationDriver.WaitForClientAsync(ct);
        rig.Device = await rig.DeviceDriver.WaitForClientAsync(ct);
        return rig;
    }

    /// <summary>Registers an echo driver on the application bus and returns its client once the simulator's echo channel is bound.</summary>
    public async Task<EchoClient> BindEchoAsync(TimeSpan responseTimeout, TimeSpan lateReplyHold, CancellationToken ct)
    {
        var driver = new EchoDriver(responseTimeout, lateReplyHold);
        await Bus.RegisterDriverAsync(driver, ct);
        return await driver.WaitForClientAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Bus.DisposeAsync();
    }
}
