using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Crypto;
using Tmel.Services.Device;
using Tmel.Services.ImageAuth;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Device;

/// <summary>
/// One subsystem's mailbox pair through the whole stack: a simulator serving that subsystem (of a device of its own, or of
/// a shared one), and the application side's link, bus and typed clients (image auth, attestation, device, crypto).
/// </summary>
internal sealed class SubsystemRig : IAsyncDisposable
{
    private bool _clientDisposed;

    private SubsystemRig(TmelSimulator simulator, QmpInMemoryMailbox apps, QmpSharedMemoryRegion memory, TimeProvider time)
    {
        Simulator = simulator;
        SharedMemory = memory;
        Bus = new RpmsgBus(new QmpRpmsgTransport(new QmpLink(apps, QmpRole.Local, null, time)), null, time);
    }

    public TmelSimulator Simulator { get; }

    public QmpSharedMemoryRegion SharedMemory { get; }

    public RpmsgBus Bus { get; }

    public ImageAuthClient ImageAuth { get; private set; } = null!;

    public AttestationClient Attestation { get; private set; } = null!;

    public DeviceClient Device { get; private set; } = null!;

    public CryptoClient Crypto { get; private set; } = null!;

    /// <summary>A simulator with a device of its own (the public constructor), with these options' fuses and state directory.</summary>
    public static Task<SubsystemRig> StartAsync(string? stateDirectory, CancellationToken ct, ILoggerFactory? loggerFactory = null)
    {
        var time = new FakeTimeProvider(TestImages.Now);
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        var memory = new QmpSharedMemoryRegion(256 * 1024);
        var simulator = new TmelSimulator(tme, new TmelSimulatorOptions { SharedMemory = memory, Fuses = TestImages.Fuses(), StateDirectory = stateDirectory }, time, loggerFactory);
        return StartAsync(simulator, apps, memory, time, ct);
    }

    /// <summary>A simulator serving <paramref name="subsystem"/> of a shared <paramref name="device"/>, over its own mailbox pair.</summary>
    public static Task<SubsystemRig> StartAsync(SimulatedDevice device, string subsystem, CancellationToken ct)
    {
        var time = new FakeTimeProvider(TestImages.Now);
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        var memory = new QmpSharedMemoryRegion(256 * 1024);
        var simulator = new TmelSimulator(tme, new TmelSimulatorOptions { SharedMemory = memory }, time, null, device, device.Subsystem(subsystem));
        return StartAsync(simulator, apps, memory, time, ct);
    }

    /// <summary>Ends the application side (its link goes down, as when the client process dies); the simulator stays.</summary>
    public async Task DisposeClientAsync()
    {
        _clientDisposed = true;
        await Bus.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        if (!_clientDisposed)
        {
            await Bus.DisposeAsync();
        }
    }

    private static async Task<SubsystemRig> StartAsync(TmelSimulator simulator, QmpInMemoryMailbox apps, QmpSharedMemoryRegion memory, TimeProvider time, CancellationToken ct)
    {
        var rig = new SubsystemRig(simulator, apps, memory, time);
        var imageAuth = new ImageAuthDriver(memory);
        var attestation = new AttestationDriver(memory);
        var device = new DeviceDriver(memory);
        var crypto = new CryptoDriver(memory);
        await rig.Bus.RegisterDriverAsync(imageAuth, ct);
        await rig.Bus.RegisterDriverAsync(attestation, ct);
        await rig.Bus.RegisterDriverAsync(device, ct);
        await rig.Bus.RegisterDriverAsync(crypto, ct);
        await simulator.StartAsync(ct);
        rig.ImageAuth = await imageAuth.WaitForClientAsync(ct);
        rig.Attestation = await attestation.WaitForClientAsync(ct);
        rig.Device = await device.WaitForClientAsync(ct);
        rig.Crypto = await crypto.WaitForClientAsync(ct);
        return rig;
    }
}
