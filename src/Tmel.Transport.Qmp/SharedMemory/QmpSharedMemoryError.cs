namespace Tmel.Transport.Qmp;

/// <summary>Why a shared-memory operation failed; carried by every <see cref="QmpSharedMemoryException"/>.</summary>
public enum QmpSharedMemoryError
{
    /// <summary>No free block of the region is large enough for the requested buffer.</summary>
    OutOfMemory = 1,

    /// <summary>
    /// An access touched bytes outside one currently allocated buffer: below the region's base, past its end, in a gap
    /// or padding between buffers, across two buffers, in a freed buffer, or with an address plus length that wraps in u32.
    /// </summary>
    OutOfBounds,

    /// <summary>The buffer being freed was never allocated from this region (it belongs to another region, or is a view).</summary>
    NotAllocated,

    /// <summary>The buffer being freed was already freed.</summary>
    DoubleFree,
}
