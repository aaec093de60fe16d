using Rpmsg.Core;

namespace Tmel.Simulator;

/// <summary>
/// The services' access to what a client put in shared memory: an address or length the client chose that the region
/// refuses is an answer (a status to the client), not an exception.
/// </summary>
internal static class ClientMemory
{
    /// <summary>Reads <paramref name="destination"/>'s length of bytes at <paramref name="busAddress"/>; false when the region refuses the range.</summary>
    public static bool TryRead(IRpmsgSharedMemory memory, uint busAddress, Span<byte> destination)
    {
        try
        {
            memory.Read(busAddress, destination);
            return true;
        }
        catch (RpmsgSharedMemoryException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads <paramref name="destination"/>'s length of bytes at <paramref name="busAddress"/> only when the client allocated
    /// that whole range; false otherwise or when the region refuses it.
    /// </summary>
    public static bool TryReadAllocated(IRpmsgSharedMemory memory, uint busAddress, Span<byte> destination) =>
        memory.IsAllocatedRange(busAddress, (uint)destination.Length) && TryRead(memory, busAddress, destination);

    /// <summary>Writes <paramref name="source"/> at <paramref name="busAddress"/>; false when the region refuses the range.</summary>
    public static bool TryWrite(IRpmsgSharedMemory memory, uint busAddress, ReadOnlySpan<byte> source)
    {
        try
        {
            memory.Write(busAddress, source);
            return true;
        }
        catch (RpmsgSharedMemoryException)
        {
            return false;
        }
    }
}
