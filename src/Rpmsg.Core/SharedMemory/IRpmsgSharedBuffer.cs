namespace Rpmsg.Core;

/// <summary>A buffer in an <see cref="IRpmsgSharedMemory"/>, named by its bus address and length.</summary>
/// <remarks>
/// The bytes are reached only by copying in and out, so every access is checked against the buffer's bounds and against
/// its allocation still being live: once freed, every access throws, and a later buffer at the same bus address is never
/// reachable through a stale handle. Members are thread-safe.
/// </remarks>
public interface IRpmsgSharedBuffer
{
    /// <summary>Gets the 32-bit bus address of the buffer's first byte, as the peer sees it (the RFC's <c>payload_ptr</c>).</summary>
    uint BusAddress { get; }

    /// <summary>Gets the buffer's length in bytes (the RFC's <c>payload_len</c>).</summary>
    int Length { get; }

    /// <summary>Gets a value indicating whether the buffer has been freed; every access then throws.</summary>
    bool IsFreed { get; }

    /// <summary>Copies bytes from <paramref name="offset"/> into <paramref name="destination"/>, as many as it holds.</summary>
    /// <param name="offset">The offset from the buffer's first byte.</param>
    /// <param name="destination">Where the bytes go; its length says how many to read.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not fit in the buffer, or the buffer has been freed.</exception>
    void Read(int offset, Span<byte> destination);

    /// <summary>Copies <paramref name="source"/> into the buffer, starting at <paramref name="offset"/>.</summary>
    /// <param name="offset">The offset from the buffer's first byte.</param>
    /// <param name="source">The bytes to write.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not fit in the buffer, or the buffer has been freed.</exception>
    void Write(int offset, ReadOnlySpan<byte> source);
}
