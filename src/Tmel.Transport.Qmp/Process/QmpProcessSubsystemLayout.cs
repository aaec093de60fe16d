namespace Tmel.Transport.Qmp;

/// <summary>One subsystem's files in a simulator directory (<c>layout.json</c>, version 1); every path is relative to the directory.</summary>
public sealed record QmpProcessSubsystemLayout
{
    /// <summary>Gets the subsystem's name (for example <c>apps</c>): lower-case letters, digits, '-' and '_'.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the path of the register window file (0x2000 bytes), for example <c>apps/window</c>.</summary>
    public required string Window { get; init; }

    /// <summary>Gets the path of the SRAM/DMA region file, for example <c>apps/sram</c>.</summary>
    public required string Sram { get; init; }

    /// <summary>Gets the SRAM region's size in bytes (the file's length).</summary>
    public required int SramSize { get; init; }

    /// <summary>Gets the bus address of the SRAM region's byte 0.</summary>
    public required uint SramBusAddress { get; init; }

    /// <summary>Gets the path of the simulator's doorbell socket (Unix datagram), for example <c>apps/tmel.sock</c>.</summary>
    public required string TmelSocket { get; init; }

    /// <summary>Gets the path the client binds its doorbell socket at, for example <c>apps/client.sock</c>.</summary>
    public required string ClientSocket { get; init; }

    /// <summary>Gets the path of the file an attached client holds locked, so a second client on the same subsystem is refused.</summary>
    public required string ClientLock { get; init; }
}
