using Rpmsg.Core;

namespace Tmel.Transport.Qmp.Tests.SharedMemory;

public class QmpSharedBufferTests
{
    [Fact]
    public void WriteThenRead_AtOffsets_RoundTripsAndLandsAtTheBusAddress()
    {
        var region = new QmpSharedMemoryRegion(64);
        region.Allocate(8);
        QmpSharedBuffer buffer = region.Allocate(20);

        buffer.Write([1, 2, 3]);
        buffer.Write(17, [0xFD, 0xFE, 0xFF]);

        byte[] head = new byte[3];
        buffer.Read(head);
        byte[] tail = new byte[3];
        buffer.Read(17, tail);
        byte[] byAddress = new byte[20];
        region.Read(buffer.BusAddress, byAddress);
        Assert.Equal([1, 2, 3], head);
        Assert.Equal([0xFD, 0xFE, 0xFF], tail);
        Assert.Equal([1, 2, 3, .. new byte[14], 0xFD, 0xFE, 0xFF], byAddress);
        Assert.Equal(byAddress, buffer.ToArray());
    }

    [Fact]
    public void Write_LongerThanBuffer_ThrowsOutOfBoundsAndWritesNothing()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer buffer = region.Allocate(5);
        QmpSharedBuffer next = region.Allocate(8);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => buffer.Write(Enumerable.Repeat((byte)0xEE, 6).ToArray()));

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, ex.SharedMemoryError);
        Assert.Equal(new byte[5], buffer.ToArray());
        Assert.Equal(new byte[8], next.ToArray());
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(6, 0)]
    [InlineData(1, 5)]
    [InlineData(int.MaxValue, 1)]
    public void ReadWrite_RangePastTheEnd_ThrowsOutOfBounds(int offset, int length)
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer buffer = region.Allocate(5);

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => buffer.Read(offset, new byte[length])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => buffer.Write(offset, new byte[length])).SharedMemoryError);
    }

    [Fact]
    public void ReadWrite_EmptyRangeAtTheEnd_Succeeds()
    {
        QmpSharedBuffer buffer = new QmpSharedMemoryRegion(64).Allocate(5);

        buffer.Read(5, []);
        buffer.Write(5, []);
    }

    [Fact]
    public void ReadWrite_NegativeOffset_ThrowsArgumentOutOfRange()
    {
        QmpSharedBuffer buffer = new QmpSharedMemoryRegion(64).Allocate(8);

        Assert.Throws<ArgumentOutOfRangeException>("offset", () => buffer.Read(-1, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>("offset", () => buffer.Write(-1, new byte[1]));
    }

    [Fact]
    public void View_AccessBeyondTheView_ThrowsOutOfBoundsEvenInsideTheAllocation()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer owner = region.Allocate(16);
        Assert.True(region.TryGetBuffer(owner.BusAddress + 4, 8, out QmpSharedBuffer? view));

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => view.Write(new byte[9])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => view.Read(8, new byte[1])).SharedMemoryError);

        view.Write(Enumerable.Repeat((byte)0x77, 8).ToArray());
        Assert.Equal([0, 0, 0, 0, .. Enumerable.Repeat((byte)0x77, 8), 0, 0, 0, 0], owner.ToArray());
        Assert.Same(region, view.Region);
        Assert.True(view.IsView);
        Assert.False(owner.IsView);
    }

    [Fact]
    public void Freed_HandleAndItsViews_ReportFreedAndRefuseEveryAccess()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer owner = region.Allocate(16);
        Assert.True(region.TryGetBuffer(owner.BusAddress, 0, out QmpSharedBuffer? empty));

        region.Free(owner);

        Assert.True(owner.IsFreed);
        Assert.True(empty.IsFreed);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => owner.Read(new byte[1])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => owner.Write([])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => empty.ToArray()).SharedMemoryError);
    }

    [Fact]
    public void ToString_ShowsBusAddressAndLength() =>
        Assert.Equal("0x86000000+24", new QmpSharedMemoryRegion().Allocate(24).ToString());
}
