using System.Diagnostics.CodeAnalysis;

namespace Rpmsg.Core;

/// <summary>
/// Memory both sides of a link address by 32-bit bus address (the RFC's SRAM/DMA path): a service puts a large payload
/// in a buffer and sends the buffer's bus address and length, the peer reads it there and may answer in place.
/// </summary>
/// <remarks>
/// <para>
/// This is the seam a driver programs against without knowing the transport: the QMP transport implements it with its
/// shared-memory region; tests may supply their own. Offset 0 of the memory is <see cref="BaseBusAddress"/>.
/// </para>
/// <para>
/// Every access by bus address must lie inside one buffer that is allocated at the time; an address plus length is
/// checked without wrapping, so a pointer and length from the peer can be passed in unchecked. Failures are
/// <see cref="RpmsgSharedMemoryException"/>s whose <see cref="RpmsgSharedMemoryException.SharedMemoryError"/> says why.
/// </para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IRpmsgSharedMemory
{
    /// <summary>Gets the bus address of the memory's first byte.</summary>
    uint BaseBusAddress { get; }

    /// <summary>Gets the memory's size in bytes.</summary>
    int Size { get; }

    /// <summary>Gets the number of bytes no buffer holds (including any alignment padding); a buffer this large may still not fit.</summary>
    int FreeBytes { get; }

    /// <summary>Allocates a zeroed buffer of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The buffer's length in bytes; at least 1.</param>
    /// <returns>The buffer; its caller owns it and frees it with <see cref="Free"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfMemory"/>: no free block is large enough.</exception>
    IRpmsgSharedBuffer Allocate(int length);

    /// <summary>Allocates a zeroed buffer of <paramref name="length"/> bytes if there is room; never throws for lack of room.</summary>
    /// <param name="length">The buffer's length in bytes; at least 1.</param>
    /// <param name="buffer">The buffer when this returns <see langword="true"/>; its caller owns it and frees it with <see cref="Free"/>.</param>
    /// <returns><see langword="true"/> if the buffer was allocated; <see langword="false"/> if no free block is large enough.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    bool TryAllocate(int length, [NotNullWhen(true)] out IRpmsgSharedBuffer? buffer);

    /// <summary>Frees a buffer this memory allocated; every access through it throws from then on.</summary>
    /// <param name="buffer">The buffer.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is <see langword="null"/>.</exception>
    /// <exception cref="RpmsgSharedMemoryException">
    /// <see cref="RpmsgSharedMemoryError.NotAllocated"/>: the buffer did not come from this memory's allocator;
    /// <see cref="RpmsgSharedMemoryError.DoubleFree"/>: it was already freed.
    /// </exception>
    void Free(IRpmsgSharedBuffer buffer);

    /// <summary>Copies bytes at a bus address, as many as <paramref name="destination"/> holds.</summary>
    /// <param name="busAddress">The bus address of the first byte, for example a pointer from the peer.</param>
    /// <param name="destination">Where the bytes go; its length says how many to read.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not lie inside one allocated buffer.</exception>
    void Read(uint busAddress, Span<byte> destination);

    /// <summary>Copies <paramref name="source"/> to a bus address.</summary>
    /// <param name="busAddress">The bus address of the first byte, for example a pointer from the peer.</param>
    /// <param name="source">The bytes to write.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not lie inside one allocated buffer.</exception>
    void Write(uint busAddress, ReadOnlySpan<byte> source);

    /// <summary>Checks, without throwing, whether a range lies inside one allocated buffer.</summary>
    /// <param name="busAddress">The bus address of the range's first byte.</param>
    /// <param name="length">The range's length in bytes; 0 names an empty range, which still needs an address inside a buffer.</param>
    /// <returns><see langword="true"/> if a read or write of the range would succeed now.</returns>
    /// <remarks>The answer holds only at the time of the call: the buffer may be freed right after.</remarks>
    bool IsAllocatedRange(uint busAddress, uint length);
}
