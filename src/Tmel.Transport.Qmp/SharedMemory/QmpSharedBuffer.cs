using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>A buffer in a <see cref="QmpSharedMemoryRegion"/>, named by its bus address and length.</summary>
/// <remarks>
/// <para>
/// A buffer comes either from <see cref="QmpSharedMemoryRegion.Allocate(int)"/>, and then its caller owns it and frees it
/// with <see cref="QmpSharedMemoryRegion.Free(QmpSharedBuffer)"/>; or from
/// <see cref="QmpSharedMemoryRegion.TryGetBuffer(uint, uint, out QmpSharedBuffer?)"/>, and then it is a view (see
/// <see cref="IsView"/>) of a range that a peer named, inside a buffer someone else allocated, and it cannot be freed.
/// </para>
/// <para>
/// The bytes are reached only by copying in and out (<see cref="Read(int, Span{byte})"/>,
/// <see cref="Write(int, ReadOnlySpan{byte})"/>, <see cref="ToArray"/>); no span over the region ever escapes, so every
/// access is checked against the buffer's bounds and against its allocation still being live. Once the allocation is
/// freed, every access through this handle, or through any view of it, throws; a later allocation that reuses the same
/// bus addresses is never reachable through a stale handle.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public sealed class QmpSharedBuffer : IRpmsgSharedBuffer
{
    private bool _freed;

    internal QmpSharedBuffer(QmpSharedMemoryRegion region, QmpSharedBuffer? allocation, uint busAddress, int length)
    {
        Region = region;
        Allocation = allocation ?? this;
        BusAddress = busAddress;
        Length = length;
    }

    /// <summary>Gets the region the buffer lies in.</summary>
    public QmpSharedMemoryRegion Region { get; }

    /// <summary>Gets the 32-bit bus address of the buffer's first byte, as the peer sees it (the RFC's <c>payload_ptr</c>).</summary>
    public uint BusAddress { get; }

    /// <summary>Gets the buffer's length in bytes (the RFC's <c>payload_len</c>): what was asked for, without alignment padding.</summary>
    public int Length { get; }

    /// <summary>Gets a value indicating whether this is a view of a peer's range (from <see cref="QmpSharedMemoryRegion.TryGetBuffer(uint, uint, out QmpSharedBuffer?)"/>) rather than an allocation its holder owns.</summary>
    public bool IsView => !ReferenceEquals(Allocation, this);

    /// <summary>Gets a value indicating whether the allocation this buffer lies in has been freed; every access then throws.</summary>
    public bool IsFreed => Volatile.Read(ref Allocation._freed);

    /// <summary>Gets the allocation this buffer lies in: itself, or for a view the buffer that was allocated.</summary>
    internal QmpSharedBuffer Allocation { get; }

    /// <summary>Gets the offset of the buffer's first byte from the region's base.</summary>
    internal int Offset => (int)(BusAddress - Region.BaseBusAddress);

    /// <summary>Copies the buffer's first bytes, as many as <paramref name="destination"/> holds.</summary>
    /// <param name="destination">Where the bytes go; its length says how many to read.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: <paramref name="destination"/> is longer than the buffer, or the buffer has been freed.</exception>
    public void Read(Span<byte> destination) => Region.ReadBuffer(this, 0, destination);

    /// <summary>Copies bytes from <paramref name="offset"/> into the buffer, as many as <paramref name="destination"/> holds.</summary>
    /// <param name="offset">The offset from the buffer's first byte.</param>
    /// <param name="destination">Where the bytes go; its length says how many to read.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not fit in the buffer, or the buffer has been freed.</exception>
    public void Read(int offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Region.ReadBuffer(this, offset, destination);
    }

    /// <summary>Copies <paramref name="source"/> to the start of the buffer.</summary>
    /// <param name="source">The bytes to write.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: <paramref name="source"/> is longer than the buffer, or the buffer has been freed.</exception>
    public void Write(ReadOnlySpan<byte> source) => Region.WriteBuffer(this, 0, source);

    /// <summary>Copies <paramref name="source"/> into the buffer, starting at <paramref name="offset"/>.</summary>
    /// <param name="offset">The offset from the buffer's first byte.</param>
    /// <param name="source">The bytes to write.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not fit in the buffer, or the buffer has been freed.</exception>
    public void Write(int offset, ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Region.WriteBuffer(this, offset, source);
    }

    /// <summary>Copies the whole buffer into a new array.</summary>
    /// <returns>A copy of the buffer's <see cref="Length"/> bytes.</returns>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the buffer has been freed.</exception>
    public byte[] ToArray()
    {
        byte[] copy = new byte[Length];
        Region.ReadBuffer(this, 0, copy);
        return copy;
    }

    /// <summary>Describes the buffer by bus address and length, for logs and test output.</summary>
    /// <returns>For example <c>0x86000010+24</c>.</returns>
    public override string ToString() => $"0x{BusAddress:X8}+{Length}";

    /// <summary>Marks this allocation freed; called by the region under its lock.</summary>
    internal void MarkFreed() => Volatile.Write(ref _freed, true);
}
