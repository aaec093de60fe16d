using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator;

/// <summary>Settings of a simulated TME-L serving its own directory for peers in other processes (<c>tmel simulator</c>).</summary>
public sealed class TmelSimulatorProcessOptions
{
    /// <summary>Gets or sets the directory peers attach to (docs/attach-a-peer.md); created if missing.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Gets the subsystems served, each with its own window, SRAM, sockets and simulator: 1-32 of [a-z0-9_-] each.</summary>
    /// <value>Default: <c>apps</c> alone when left empty.</value>
    public IList<string> Subsystems { get; } = [];

    /// <summary>Gets or sets a subsystem served raw, as the benchmark's baseline: each new 32-byte mailbox the client writes is
    /// written back whole and the client rung (the same window, doorbells and waiting code; no QMP, no rpmsg).</summary>
    /// <value>Default <see langword="null"/>: none. It must not also be in <see cref="Subsystems"/>.</value>
    public string? RawEchoSubsystem { get; set; }

    /// <summary>Gets or sets the size of each subsystem's SRAM region in bytes.</summary>
    /// <value>Default <see cref="QmpSharedMemoryRegion.DefaultSize"/> (4 MiB), as the client's default region.</value>
    public int SramSize { get; set; } = QmpSharedMemoryRegion.DefaultSize;

    /// <summary>Gets or sets the bus address of each SRAM region's byte 0.</summary>
    /// <value>Default <see cref="QmpSharedMemoryRegion.DefaultBaseBusAddress"/> (0x86000000).</value>
    public uint SramBusAddress { get; set; } = QmpSharedMemoryRegion.DefaultBaseBusAddress;

    /// <summary>Gets or sets the simulated device's fuses, as <see cref="TmelSimulatorOptions.Fuses"/>.</summary>
    public TsimFuses? Fuses { get; set; }

    /// <summary>Gets or sets the directory the simulated device keeps its sealed state in (its hardware unique key, attestation identity, persistent keys, committed anti-rollback versions), as <see cref="TmelSimulatorOptions.StateDirectory"/>; one device for every subsystem served.</summary>
    /// <value>Default <see langword="null"/>: nothing persists.</value>
    public string? StateDirectory { get; set; }

    /// <summary>Gets or sets the QMP timeouts of the simulator's sides of the links (their links read the four timeouts; the
    /// region is <see cref="SramSize"/> and <see cref="SramBusAddress"/>, not the options' shared-memory settings).</summary>
    public QmpTransportOptions Link { get; set; } = new();
}
