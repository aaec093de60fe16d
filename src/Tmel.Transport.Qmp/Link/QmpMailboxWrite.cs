namespace Tmel.Transport.Qmp;

/// <summary>One mailbox write, as an operator reads the wire: who wrote, where, and the 32 bytes after the write.</summary>
/// <param name="Timestamp">When the write happened, from the link's <see cref="TimeProvider"/>.</param>
/// <param name="Writer">The side that wrote.</param>
/// <param name="Offset">The window offset of the mailbox written (0x0000 or 0x1000).</param>
/// <param name="Mailbox">The 32 bytes of that mailbox after the write.</param>
public sealed record QmpMailboxWrite(DateTimeOffset Timestamp, QmpRole Writer, int Offset, byte[] Mailbox)
{
    /// <summary>Gets the descriptor written.</summary>
    public QmpDescriptor Descriptor => new(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Mailbox));

    /// <summary>Gets the 32 bytes as 64 hex digits.</summary>
    public string Hex => Convert.ToHexString(Mailbox);
}
