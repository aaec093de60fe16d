namespace Tmel.Services.Tmelcom;

/// <summary>How a <see cref="TmelcomPacket"/> carries its message: bit 0 of the packet's first byte (the RFC's <c>ipc_type</c>).</summary>
public enum TmelcomIpcType : byte
{
    /// <summary>The message (at most 20 bytes) travels inside the packet, in <c>param[5]</c> (the RFC's <c>IPC_MBOX_ONLY</c>, V4 <c>IPC_MBOX_MEM</c>).</summary>
    MailboxOnly = 0,

    /// <summary>The message (at most 168 bytes) lies in shared memory; the packet carries its bus address and length (the RFC's <c>IPC_MBOX_SRAM</c>).</summary>
    Sram = 1,
}
