namespace Rpmsg.Core;

/// <summary>A shared-memory allocation, free or access failed; <see cref="SharedMemoryError"/> says why.</summary>
/// <remarks>
/// <see cref="RpmsgException.Error"/> is <see cref="RpmsgError.AddressSpaceExhausted"/> for
/// <see cref="RpmsgSharedMemoryError.OutOfMemory"/> (the memory has no bus addresses left to hand out), and
/// <see cref="RpmsgError.ProtocolError"/> for every other reason: a pointer and length that do not name an allocated
/// buffer, or a buffer handle used against the allocation rules. A transport may throw a subtype with details of its own.
/// </remarks>
public class RpmsgSharedMemoryException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sharedMemoryError">Why the operation failed.</param>
    /// <param name="message">A sentence describing the failure.</param>
    public RpmsgSharedMemoryException(RpmsgSharedMemoryError sharedMemoryError, string message)
        : base(sharedMemoryError == RpmsgSharedMemoryError.OutOfMemory ? RpmsgError.AddressSpaceExhausted : RpmsgError.ProtocolError, message)
        => SharedMemoryError = sharedMemoryError;

    /// <summary>Gets why the operation failed.</summary>
    public RpmsgSharedMemoryError SharedMemoryError { get; }
}
