using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>A shared-memory allocation, free or access failed; <see cref="Reason"/> says why.</summary>
/// <remarks>
/// <see cref="RpmsgException.Error"/> is <see cref="RpmsgError.AddressSpaceExhausted"/> for
/// <see cref="QmpSharedMemoryError.OutOfMemory"/> (the region has no bus addresses left to hand out), and
/// <see cref="RpmsgError.ProtocolError"/> for every other reason: a pointer and length from the peer that do not name
/// an allocated buffer, or a buffer handle used against the allocation rules.
/// </remarks>
public sealed class QmpSharedMemoryException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="reason">Why the operation failed.</param>
    /// <param name="message">A sentence describing the failure.</param>
    public QmpSharedMemoryException(QmpSharedMemoryError reason, string message)
        : base(reason == QmpSharedMemoryError.OutOfMemory ? RpmsgError.AddressSpaceExhausted : RpmsgError.ProtocolError, message)
        => Reason = reason;

    /// <summary>Gets why the operation failed.</summary>
    public QmpSharedMemoryError Reason { get; }
}
