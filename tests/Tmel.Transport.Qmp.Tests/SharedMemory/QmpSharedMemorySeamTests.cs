using System.Diagnostics.CodeAnalysis;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp.Tests.SharedMemory;

/// <summary>The region seen through the transport-neutral seam that drivers use.</summary>
public class QmpSharedMemorySeamTests
{
    [Fact]
    public void Allocate_ThroughSeam_ReturnsRegionBuffer_AndFreeGivesBytesBack()
    {
        var region = new QmpSharedMemoryRegion(64);
        IRpmsgSharedMemory memory = region;

        IRpmsgSharedBuffer buffer = memory.Allocate(20);
        buffer.Write(4, [1, 2, 3]);
        byte[] read = new byte[3];
        memory.Read(buffer.BusAddress + 4, read);

        Assert.IsType<QmpSharedBuffer>(buffer);
        Assert.Equal([1, 2, 3], read);
        Assert.Equal(region.BaseBusAddress, memory.BaseBusAddress);
        Assert.Equal(40, memory.FreeBytes);
        memory.Free(buffer);
        Assert.Equal(64, memory.FreeBytes);
        Assert.True(buffer.IsFreed);
    }

    [Fact]
    public void TryAllocate_ThroughSeam_NoRoom_ReturnsFalse()
    {
        IRpmsgSharedMemory memory = new QmpSharedMemoryRegion(64);

        Assert.True(memory.TryAllocate(64, out IRpmsgSharedBuffer? all));
        Assert.NotNull(all);
        Assert.False(memory.TryAllocate(1, out IRpmsgSharedBuffer? none));
        Assert.Null(none);
    }

    [Fact]
    public void Errors_ThroughSeam_AreRpmsgSharedMemoryExceptions_WithMatchingKind()
    {
        IRpmsgSharedMemory memory = new QmpSharedMemoryRegion(64);
        IRpmsgSharedBuffer buffer = memory.Allocate(8);

        var outOfBounds = Assert.Throws<RpmsgSharedMemoryException>(() => memory.Read(buffer.BusAddress, new byte[9]));
        memory.Free(buffer);
        var doubleFree = Assert.ThrowsAny<RpmsgSharedMemoryException>(() => memory.Free(buffer));
        var exhausted = Assert.ThrowsAny<RpmsgSharedMemoryException>(() => memory.Allocate(128));

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, outOfBounds.SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.DoubleFree, doubleFree.SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfMemory, exhausted.SharedMemoryError);
        Assert.Equal(RpmsgError.AddressSpaceExhausted, exhausted.Error);
        Assert.Equal(RpmsgError.ProtocolError, doubleFree.Error);
    }

    [Fact]
    public void Free_ForeignBufferThroughSeam_ThrowsNotAllocated()
    {
        IRpmsgSharedMemory memory = new QmpSharedMemoryRegion(64);

        var ex = Assert.ThrowsAny<RpmsgSharedMemoryException>(() => memory.Free(new ForeignBuffer()));

        Assert.Equal(RpmsgSharedMemoryError.NotAllocated, ex.SharedMemoryError);
    }

    [Theory]
    [InlineData(0u, 8u, true)]
    [InlineData(4u, 4u, true)]
    [InlineData(8u, 0u, false)]                        // padding belongs to no buffer
    [InlineData(0u, 9u, false)]
    [InlineData(4u, uint.MaxValue, false)]             // would wrap in u32
    public void IsAllocatedRange_ChecksWithoutThrowing(uint offset, uint length, bool expected)
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer buffer = region.Allocate(8);

        Assert.Equal(expected, region.IsAllocatedRange(buffer.BusAddress + offset, length));
    }

    [Fact]
    public void ErrorKinds_HaveTheSameValuesInBothEnums()
    {
        foreach (RpmsgSharedMemoryError reason in Enum.GetValues<RpmsgSharedMemoryError>())
        {
            var ex = new RpmsgSharedMemoryException(reason, "x");
            Assert.Equal((int)reason, (int)ex.SharedMemoryError);
            Assert.Equal(reason.ToString(), ex.SharedMemoryError.ToString());
        }
    }

    [SuppressMessage("Design", "CA1812", Justification = "Instantiated by the test.")]
    private sealed class ForeignBuffer : IRpmsgSharedBuffer
    {
        public uint BusAddress => QmpSharedMemoryRegion.DefaultBaseBusAddress;

        public int Length => 8;

        public bool IsFreed => false;

        public void Read(int offset, Span<byte> destination)
        {
        }

        public void Write(int offset, ReadOnlySpan<byte> source)
        {
        }
    }
}
