using System.Diagnostics.CodeAnalysis;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>Throw sites of the shared-memory region, kept out of the access paths.</summary>
internal static class SharedMemoryThrowHelper
{
    [DoesNotReturn]
    public static void ThrowOutOfMemory(int length, QmpSharedMemoryRegion region) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.OutOfMemory,
            $"No free block of the {region.Size}-byte shared-memory region at 0x{region.BaseBusAddress:X8} holds {length} bytes ({region.FreeBytes} bytes free in all).");

    [DoesNotReturn]
    public static void ThrowOutOfBounds(uint busAddress, uint length) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.OutOfBounds,
            $"The range of {length} bytes at bus address 0x{busAddress:X8} does not lie inside one allocated shared-memory buffer.");

    [DoesNotReturn]
    public static void ThrowOutOfBounds(QmpSharedBuffer buffer, long offset, int length) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.OutOfBounds,
            $"{length} bytes at offset {offset} do not fit in the {buffer.Length}-byte shared-memory buffer at bus address 0x{buffer.BusAddress:X8}.");

    [DoesNotReturn]
    public static void ThrowFreed(QmpSharedBuffer buffer) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.OutOfBounds,
            $"The shared-memory buffer at bus address 0x{buffer.BusAddress:X8} has been freed.");

    [DoesNotReturn]
    public static void ThrowNotAllocated(IRpmsgSharedBuffer buffer, string why) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.NotAllocated,
            $"The shared-memory buffer at bus address 0x{buffer.BusAddress:X8} was not allocated from this region: {why}");

    [DoesNotReturn]
    public static void ThrowDoubleFree(QmpSharedBuffer buffer) =>
        throw new RpmsgSharedMemoryException(
            RpmsgSharedMemoryError.DoubleFree,
            $"The shared-memory buffer at bus address 0x{buffer.BusAddress:X8} was already freed.");
}
