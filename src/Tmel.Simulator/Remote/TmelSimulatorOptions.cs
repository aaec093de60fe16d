using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator;

/// <summary>Settings of a <see cref="TmelSimulator"/>.</summary>
public sealed class TmelSimulatorOptions
{
    /// <summary>Gets or sets the QMP timeouts of the simulator's side of the link (its link reads the four timeouts; the
    /// shared-memory and bring-up settings are the hosted client's, and the simulator's region is <see cref="SharedMemory"/>).</summary>
    /// <value>Default: the RFC's values.</value>
    public QmpTransportOptions Link { get; set; } = new();

    /// <summary>Gets or sets a sink for every write to the simulator's mailbox (the remote side of the wire trace).</summary>
    /// <value>Default <see langword="null"/>: no trace.</value>
    public Action<QmpMailboxWrite>? MailboxTrace { get; set; }

    /// <summary>Gets or sets the shared memory (the RFC's SRAM/DMA region) the simulated TME-L reads requests from and answers into.</summary>
    /// <value>
    /// Default <see langword="null"/>: the simulator creates a region of <see cref="QmpSharedMemoryRegion.DefaultSize"/> bytes at
    /// <see cref="QmpSharedMemoryRegion.DefaultBaseBusAddress"/>. Either way <see cref="TmelSimulator.SharedMemory"/> is the
    /// region, which the application processor's side must use too (for example the image-auth driver's).
    /// </value>
    public QmpSharedMemoryRegion? SharedMemory { get; set; }

    /// <summary>Gets or sets the simulated device's fuses (OEM_PK_HASH, OEM_ID, MODEL_ID, HW_ID, anti-rollback minimums) that images are verified against.</summary>
    /// <value>Default <see langword="null"/>: blank fuses, whose empty OEM_PK_HASH matches no root, so no image authenticates. Copied when the simulator is created.</value>
    public TsimFuses? Fuses { get; set; }

    /// <summary>Gets or sets the directory the simulated device keeps its sealed state in (device keys, persistent keys, anti-rollback versions).</summary>
    /// <value>Default <see langword="null"/>: nothing persists.</value>
    public string? StateDirectory { get; set; }
}
