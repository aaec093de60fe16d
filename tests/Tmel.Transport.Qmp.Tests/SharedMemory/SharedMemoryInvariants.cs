namespace Tmel.Transport.Qmp.Tests.SharedMemory;

/// <summary>What must hold for a region and the buffers its callers think are live, whatever happened before.</summary>
internal static class SharedMemoryInvariants
{
    public static int AlignUp(int length) => (length + (QmpSharedMemoryRegion.Alignment - 1)) & ~(QmpSharedMemoryRegion.Alignment - 1);

    /// <summary>
    /// Live buffers are aligned, inside the region and pairwise disjoint; the blocks tile the region with no two free
    /// neighbours; the used blocks are exactly the live buffers; and free bytes plus live (aligned) sizes make up the region.
    /// </summary>
    public static void Check(QmpSharedMemoryRegion region, IEnumerable<QmpSharedBuffer> live)
    {
        QmpSharedBuffer[] buffers = [.. live.OrderBy(b => b.BusAddress)];
        ulong regionEnd = (ulong)region.BaseBusAddress + (ulong)region.Size;
        ulong previousEnd = region.BaseBusAddress;
        foreach (QmpSharedBuffer buffer in buffers)
        {
            Assert.False(buffer.IsFreed, $"{buffer} is live but reports freed.");
            Assert.False(buffer.IsView);
            Assert.Same(region, buffer.Region);
            Assert.Equal(0u, buffer.BusAddress % QmpSharedMemoryRegion.Alignment);
            Assert.True(buffer.BusAddress >= previousEnd, $"{buffer} overlaps the buffer before it (which ends at 0x{previousEnd:X8}).");
            previousEnd = (ulong)buffer.BusAddress + (ulong)AlignUp(buffer.Length);
            Assert.True(previousEnd <= regionEnd, $"{buffer} runs past the region's end 0x{regionEnd:X8}.");
        }

        long liveBytes = buffers.Sum(b => (long)AlignUp(b.Length));
        Assert.Equal(region.Size, region.FreeBytes + liveBytes);

        (uint BusAddress, int Size, bool IsFree)[] blocks = region.GetBlocks();
        ulong next = region.BaseBusAddress;
        for (int i = 0; i < blocks.Length; i++)
        {
            Assert.Equal(next, blocks[i].BusAddress);
            Assert.True(blocks[i].Size > 0);
            if (i > 0 && blocks[i].IsFree && blocks[i - 1].IsFree)
            {
                Assert.Fail($"Free blocks at 0x{blocks[i - 1].BusAddress:X8} and 0x{blocks[i].BusAddress:X8} were not coalesced.");
            }

            next += (ulong)blocks[i].Size;
        }

        Assert.Equal(regionEnd, next);
        Assert.Equal(region.FreeBytes, blocks.Where(b => b.IsFree).Sum(b => b.Size));
        Assert.Equal(
            buffers.Select(b => (b.BusAddress, AlignUp(b.Length))),
            blocks.Where(b => !b.IsFree).Select(b => (b.BusAddress, b.Size)));
    }
}
