using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>A shared-memory allocation, free or access failed in a <see cref="QmpSharedMemoryRegion"/>; <see cref="Reason"/> says why.</summary>
/// <remarks>
/// <see cref="RpmsgException.Error"/> is <see cref="RpmsgError.AddressSpaceExhausted"/> for
/// <see cref="QmpSharedMemoryError.OutOfMemory"/> (the region has no bus addresses left to hand out), and
/// <see cref="RpmsgError.ProtocolError"/> for every other reason: a pointer and length from the peer that do not name
/// an allocated buffer, or a buffer handle used against the allocation rules. Code that works through
/// <see cref="IRpmsgSharedMemory"/> catches the base type and reads <see cref="RpmsgSharedMemoryException.SharedMemoryError"/>,
/// which always names the same failure as <see cref="Reason"/>.
/// </remarks>
public sealed class QmpSharedMemoryException : RpmsgSharedMemoryException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="reason">Why the operation failed.</param>
    /// <param name="message">A sentence describing the failure.</param>
    public QmpSharedMemoryException(QmpSharedMemoryError reason, string message)
        : base(ToSharedMemoryError(reason), message)
        => Reason = reason;

    /// <summary>Gets why the operation failed.</summary>
    public QmpSharedMemoryError Reason { get; }

    private static RpmsgSharedMemoryError ToSharedMemoryError(QmpSharedMemoryError reason) => reason switch
    {
        QmpSharedMemoryError.OutOfMemory => RpmsgSharedMemoryError.OutOfMemory,
        QmpSharedMemoryError.OutOfBounds => RpmsgSharedMemoryError.OutOfBounds,
        QmpSharedMemoryError.NotAllocated => RpmsgSharedMemoryError.NotAllocated,
        QmpSharedMemoryError.DoubleFree => RpmsgSharedMemoryError.DoubleFree,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a shared-memory error."),
    };
}
