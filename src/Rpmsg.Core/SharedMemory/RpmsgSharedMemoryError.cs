namespace Rpmsg.Core;

/// <summary>Why a shared-memory operation failed; carried by every <see cref="RpmsgSharedMemoryException"/>.</summary>
public enum RpmsgSharedMemoryError
{
    /// <summary>No free block of the memory is large enough for the requested buffer.</summary>
    OutOfMemory = 1,

    /// <summary>
    /// An access touched bytes outside one currently allocated buffer: outside the memory, in a gap or padding between
    /// buffers, across two buffers, in a freed buffer, or with an address plus length that wraps in u32.
    /// </summary>
    OutOfBounds = 2,

    /// <summary>The buffer being freed did not come from this memory's allocator.</summary>
    NotAllocated = 3,

    /// <summary>The buffer being freed was already freed.</summary>
    DoubleFree = 4,
}
