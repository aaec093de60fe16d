using Rpmsg.Core;

namespace Tmel.Transport.Qmp.Tests.SharedMemory;

public class QmpSharedMemoryRegionTests
{
    private const uint Base = QmpSharedMemoryRegion.DefaultBaseBusAddress;

    [Fact]
    public void Constructor_Defaults_Are4MiBAt0x86000000AllFree()
    {
        var region = new QmpSharedMemoryRegion();

        Assert.Equal(4 * 1024 * 1024, region.Size);
        Assert.Equal(0x8600_0000u, region.BaseBusAddress);
        Assert.Equal(region.Size, region.FreeBytes);
        Assert.Equal([(0x8600_0000u, 4 * 1024 * 1024, true)], region.GetBlocks());
    }

    [Fact]
    public void DefaultSize_IsTheHostOptionsAndSimulatorProcessDefault()
    {
        Assert.Equal(QmpSharedMemoryRegion.DefaultSize, new QmpTransportOptions().SharedMemorySize);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(4)]                                     // below the alignment
    [InlineData(12)]                                    // not a multiple of the alignment
    [InlineData(QmpSharedMemoryRegion.MaxSize + 8)]
    [InlineData(int.MaxValue)]
    public void Constructor_InvalidSize_ThrowsArgumentOutOfRange(int invalidSize) =>
        Assert.Throws<ArgumentOutOfRangeException>("size", () => new QmpSharedMemoryRegion(invalidSize));

    [Theory]
    [InlineData(0u, 64)]                                // 0 is the RFC's "no buffer"
    [InlineData(0x8600_0004u, 64)]                      // not aligned
    [InlineData(0xFFFF_0000u, 0x1_0000)]                // ends at 2^32: the end address overflows u32
    [InlineData(0xFFFF_FFF8u, 8)]
    public void Constructor_InvalidBase_ThrowsArgumentOutOfRange(uint invalidBase, int regionSize) =>
        Assert.Throws<ArgumentOutOfRangeException>("baseBusAddress", () => new QmpSharedMemoryRegion(regionSize, invalidBase));

    [Fact]
    public void Constructor_MaxSize_IsAccepted()
    {
        var region = new QmpSharedMemoryRegion(QmpSharedMemoryRegion.MaxSize, 0x8000_0000);

        Assert.Equal(16 * 1024 * 1024, region.Size);
        Assert.Equal(0x8000_0000u, region.Allocate(QmpSharedMemoryRegion.MaxSize).BusAddress);
    }

    [Fact]
    public void Constructor_RegionEndingJustBelowTopOfBusAddressSpace_IsAccepted()
    {
        var region = new QmpSharedMemoryRegion(0xFFF8, 0xFFFF_0000);

        QmpSharedBuffer all = region.Allocate(0xFFF8);

        Assert.Equal(0xFFFF_0000u, all.BusAddress);
        region.ValidateRange(0xFFFF_FFF0, 8);
    }

    [Fact]
    public void Allocate_Fresh_ReturnsAlignedAddressesInOrderWithRequestedLengths()
    {
        var region = new QmpSharedMemoryRegion(256);

        QmpSharedBuffer[] buffers = [region.Allocate(1), region.Allocate(5), region.Allocate(8), region.Allocate(9), region.Allocate(24)];

        Assert.Equal([Base, Base + 8, Base + 16, Base + 24, Base + 40], buffers.Select(b => b.BusAddress));
        Assert.Equal([1, 5, 8, 9, 24], buffers.Select(b => b.Length));
        Assert.All(buffers, b => Assert.False(b.IsView));
        Assert.Equal(256 - (8 + 8 + 8 + 16 + 24), region.FreeBytes);
        SharedMemoryInvariants.Check(region, buffers);
    }

    [Fact]
    public void Allocate_NewBuffer_ReadsAsZerosEvenWhereAPreviousOwnerWrote()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer first = region.Allocate(64);
        first.Write(Enumerable.Repeat((byte)0xA5, 64).ToArray());
        region.Free(first);

        QmpSharedBuffer second = region.Allocate(64);

        Assert.Equal(first.BusAddress, second.BusAddress);
        Assert.Equal(new byte[64], second.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Allocate_ZeroOrNegativeLength_ThrowsArgumentOutOfRange(int invalidLength)
    {
        var region = new QmpSharedMemoryRegion(64);

        Assert.Throws<ArgumentOutOfRangeException>("length", () => region.Allocate(invalidLength));
        Assert.Throws<ArgumentOutOfRangeException>("length", () => region.TryAllocate(invalidLength, out _));
        Assert.Equal(64, region.FreeBytes);
    }

    [Fact]
    public void Allocate_WholeRegionThenMore_ThrowsOutOfMemory()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer all = region.Allocate(64);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Allocate(1));

        Assert.Equal(RpmsgSharedMemoryError.OutOfMemory, ex.SharedMemoryError);
        Assert.Equal(RpmsgError.AddressSpaceExhausted, ex.Error);
        Assert.IsAssignableFrom<RpmsgException>(ex);
        Assert.False(region.TryAllocate(1, out QmpSharedBuffer? none));
        Assert.Null(none);
        SharedMemoryInvariants.Check(region, [all]);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(QmpSharedMemoryRegion.MaxSize + 1)]
    [InlineData(int.MaxValue)]
    public void Allocate_LargerThanRegion_ThrowsOutOfMemory(int length)
    {
        var region = new QmpSharedMemoryRegion(64);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Allocate(length));

        Assert.Equal(RpmsgSharedMemoryError.OutOfMemory, ex.SharedMemoryError);
        Assert.False(region.TryAllocate(length, out _));
        Assert.Equal(64, region.FreeBytes);
    }

    [Fact]
    public void Allocate_FreeBytesSplitAcrossBlocks_ThrowsOutOfMemory()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer[] eighths = [.. Enumerable.Range(0, 8).Select(_ => region.Allocate(8))];
        for (int i = 0; i < 8; i += 2)
        {
            region.Free(eighths[i]);
        }

        Assert.Equal(32, region.FreeBytes);
        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Allocate(16));
        Assert.Equal(RpmsgSharedMemoryError.OutOfMemory, ex.SharedMemoryError);
        Assert.Equal(Base, region.Allocate(8).BusAddress);
    }

    [Fact]
    public void Allocate_AfterFree_TakesTheFirstBlockThatFitsAndSplitsIt()
    {
        var region = new QmpSharedMemoryRegion(256);
        QmpSharedBuffer a = region.Allocate(16);
        QmpSharedBuffer b = region.Allocate(16);
        QmpSharedBuffer c = region.Allocate(16);
        region.Free(a);

        QmpSharedBuffer small = region.Allocate(3);     // first fit: a's old block, split
        QmpSharedBuffer big = region.Allocate(16);      // 8 bytes left there: too small, goes after c
        QmpSharedBuffer rest = region.Allocate(8);      // fills the remainder of a's old block

        Assert.Equal(Base, small.BusAddress);
        Assert.Equal(Base + 48, big.BusAddress);
        Assert.Equal(Base + 8, rest.BusAddress);
        SharedMemoryInvariants.Check(region, [small, rest, b, c, big]);
    }

    [Theory]
    [InlineData(0, 1, 2)]
    [InlineData(0, 2, 1)]
    [InlineData(1, 0, 2)]
    [InlineData(1, 2, 0)]
    [InlineData(2, 0, 1)]
    [InlineData(2, 1, 0)]
    public void Free_AdjacentBuffersInAnyOrder_CoalesceBackIntoOneBlock(int first, int second, int third)
    {
        var region = new QmpSharedMemoryRegion(128);
        List<QmpSharedBuffer> live = [region.Allocate(16), region.Allocate(24), region.Allocate(8), region.Allocate(80)];
        QmpSharedBuffer[] targets = [live[0], live[1], live[2]];

        foreach (int pick in new[] { first, second, third })
        {
            region.Free(targets[pick]);
            live.Remove(targets[pick]);
            SharedMemoryInvariants.Check(region, live);
        }

        Assert.Equal([(Base, 48, true), (Base + 48, 80, false)], region.GetBlocks());
        region.Free(live[0]);
        Assert.Equal([(Base, 128, true)], region.GetBlocks());
        Assert.Equal(Base, region.Allocate(128).BusAddress);
    }

    [Fact]
    public void Free_Twice_ThrowsDoubleFreeAndChangesNothing()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer a = region.Allocate(16);
        QmpSharedBuffer b = region.Allocate(16);
        region.Free(a);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Free(a));

        Assert.Equal(RpmsgSharedMemoryError.DoubleFree, ex.SharedMemoryError);
        Assert.Equal(RpmsgError.ProtocolError, ex.Error);
        SharedMemoryInvariants.Check(region, [b]);
    }

    [Fact]
    public void Free_StaleHandleAfterItsAddressWasReused_ThrowsDoubleFreeAndLeavesTheNewOwnerAlone()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer stale = region.Allocate(16);
        region.Free(stale);
        QmpSharedBuffer owner = region.Allocate(16);
        owner.Write([1, 2, 3]);
        Assert.Equal(stale.BusAddress, owner.BusAddress);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Free(stale));

        Assert.Equal(RpmsgSharedMemoryError.DoubleFree, ex.SharedMemoryError);
        Assert.False(owner.IsFreed);
        Assert.Equal([1, 2, 3], owner.ToArray()[..3]);
        SharedMemoryInvariants.Check(region, [owner]);
    }

    [Fact]
    public void Free_BufferOfAnotherRegion_ThrowsNotAllocated()
    {
        var region = new QmpSharedMemoryRegion(64);
        var other = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer mine = region.Allocate(16);
        QmpSharedBuffer foreign = other.Allocate(16);
        Assert.Equal(mine.BusAddress, foreign.BusAddress);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Free(foreign));

        Assert.Equal(RpmsgSharedMemoryError.NotAllocated, ex.SharedMemoryError);
        Assert.False(mine.IsFreed);
        Assert.False(foreign.IsFreed);
        SharedMemoryInvariants.Check(region, [mine]);
        SharedMemoryInvariants.Check(other, [foreign]);
    }

    [Fact]
    public void Free_View_ThrowsNotAllocated()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer owner = region.Allocate(16);
        Assert.True(region.TryGetBuffer(owner.BusAddress, 16, out QmpSharedBuffer? view));

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.Free(view));

        Assert.Equal(RpmsgSharedMemoryError.NotAllocated, ex.SharedMemoryError);
        Assert.False(owner.IsFreed);
        SharedMemoryInvariants.Check(region, [owner]);
    }

    [Fact]
    public void Free_Null_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>("buffer", () => new QmpSharedMemoryRegion(64).Free(null!));

    /// <summary>
    /// The layout every bounds case runs against (offsets from the base, region 0x100 bytes):
    /// a 0x00..0x10, b 0x10..0x15 (padding to 0x18), c 0x18..0x28, a freed buffer 0x28..0x38, d 0x38..0x40, free to 0x100.
    /// </summary>
    private static (QmpSharedMemoryRegion Region, QmpSharedBuffer[] Live) Layout()
    {
        var region = new QmpSharedMemoryRegion(0x100);
        QmpSharedBuffer a = region.Allocate(16);
        QmpSharedBuffer b = region.Allocate(5);
        QmpSharedBuffer c = region.Allocate(16);
        QmpSharedBuffer freed = region.Allocate(16);
        QmpSharedBuffer d = region.Allocate(8);
        region.Free(freed);
        QmpSharedBuffer[] live = [a, b, c, d];
        foreach (QmpSharedBuffer buffer in live)
        {
            buffer.Write(Enumerable.Repeat((byte)buffer.BusAddress, buffer.Length).ToArray());
        }

        return (region, live);
    }

    [Theory]
    [InlineData(Base - 1, 1u)]                          // below the base
    [InlineData(Base - 8, 16u)]                         // starts below the base, ends inside a
    [InlineData(0u, 0u)]                                // null pointer
    [InlineData(Base + 0x100, 0u)]                      // the region's end
    [InlineData(Base + 0x100, 1u)]
    [InlineData(0xFFFF_FFFFu, 1u)]
    [InlineData(Base + 0x28, 1u)]                       // the freed buffer
    [InlineData(Base + 0x30, 4u)]
    [InlineData(Base + 0x15, 1u)]                       // b's padding
    [InlineData(Base + 0x15, 0u)]
    [InlineData(Base + 0x10, 6u)]                       // b plus one byte of padding
    [InlineData(Base + 0x08, 16u)]                      // a running into b
    [InlineData(Base + 0x00, 0x18u)]                    // a and b whole, as if one
    [InlineData(Base + 0x20, 16u)]                      // c running into the freed buffer
    [InlineData(Base + 0x38, 9u)]                       // d running into free space
    [InlineData(Base + 0x80, 1u)]                       // free space after every buffer
    [InlineData(0xFFFF_FFF0u, 0x20u)]                   // ptr + len wraps in u32
    [InlineData(Base, uint.MaxValue)]                   // ptr + len wraps to just below the base
    [InlineData(Base + 0x18, 0x7A00_0004u)]             // ptr + len wraps to 0x1C, which a naive "ptr + len <= end" accepts
    public void Access_OutsideOneAllocatedBuffer_ThrowsOutOfBounds(uint busAddress, uint length)
    {
        (QmpSharedMemoryRegion region, QmpSharedBuffer[] live) = Layout();
        byte[][] before = [.. live.Select(b => b.ToArray())];

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.ValidateRange(busAddress, length));
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, ex.SharedMemoryError);
        Assert.Equal(RpmsgError.ProtocolError, ex.Error);
        Assert.False(region.TryGetBuffer(busAddress, length, out QmpSharedBuffer? view));
        Assert.Null(view);

        if (length <= 0x1000)
        {
            Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => region.Read(busAddress, new byte[length])).SharedMemoryError);
            Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => region.Write(busAddress, Enumerable.Repeat((byte)0xEE, (int)length).ToArray())).SharedMemoryError);
        }

        Assert.Equal(before, live.Select(b => b.ToArray()));
        SharedMemoryInvariants.Check(region, live);
    }

    [Theory]
    [InlineData(Base + 0x00, 16u)]                      // a whole
    [InlineData(Base + 0x0F, 1u)]                       // a's last byte
    [InlineData(Base + 0x04, 0u)]                       // empty range inside a
    [InlineData(Base + 0x10, 5u)]                       // b whole
    [InlineData(Base + 0x18, 0u)]                       // empty range at c's start
    [InlineData(Base + 0x1C, 12u)]                      // c's tail
    [InlineData(Base + 0x38, 8u)]                       // d whole
    public void Access_InsideOneAllocatedBuffer_Succeeds(uint busAddress, uint length)
    {
        (QmpSharedMemoryRegion region, _) = Layout();

        region.ValidateRange(busAddress, length);
        Assert.True(region.TryGetBuffer(busAddress, length, out QmpSharedBuffer? view));
        Assert.Equal((busAddress, (int)length, true), (view.BusAddress, view.Length, view.IsView));

        byte[] written = [.. Enumerable.Range(1, (int)length).Select(i => (byte)i)];
        region.Write(busAddress, written);
        byte[] read = new byte[length];
        region.Read(busAddress, read);
        Assert.Equal(written, read);
        Assert.Equal(written, view.ToArray());
    }

    [Fact]
    public void ValidateRange_LengthWrapsPastTopOfBusAddressSpace_ThrowsOutOfBounds()
    {
        // A buffer ending at 0xFFFFFFF8: 0xFFFFFFF0 + 0x20 wraps to 0x10, which a naive end check would accept.
        var region = new QmpSharedMemoryRegion(0xFFF8, 0xFFFF_0000);
        QmpSharedBuffer top = region.Allocate(0xFFF8);

        var ex = Assert.Throws<RpmsgSharedMemoryException>(() => region.ValidateRange(0xFFFF_FFF0, 0x20));

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, ex.SharedMemoryError);
        Assert.False(region.TryGetBuffer(0xFFFF_FFF0, uint.MaxValue, out _));
        Assert.Throws<RpmsgSharedMemoryException>(() => region.Read(0xFFFF_FFF0, new byte[0x20]));
        region.ValidateRange(0xFFFF_FFF0, 8);
        Assert.Equal(0xFFFF_FFF0u + 8, top.BusAddress + (uint)top.Length);
    }

    [Fact]
    public void Access_FreedBufferWhoseAddressWasReused_ReachesOnlyTheNewOwner()
    {
        var region = new QmpSharedMemoryRegion(64);
        QmpSharedBuffer stale = region.Allocate(16);
        Assert.True(region.TryGetBuffer(stale.BusAddress + 4, 8, out QmpSharedBuffer? staleView));
        region.Free(stale);

        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => region.Read(stale.BusAddress, new byte[1])).SharedMemoryError);

        QmpSharedBuffer owner = region.Allocate(16);
        owner.Write(Enumerable.Repeat((byte)0x5A, 16).ToArray());

        Assert.True(stale.IsFreed);
        Assert.True(staleView.IsFreed);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => stale.Write([0xEE])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => staleView.Write([0xEE])).SharedMemoryError);
        Assert.Equal(RpmsgSharedMemoryError.OutOfBounds, Assert.Throws<RpmsgSharedMemoryException>(() => stale.ToArray()).SharedMemoryError);
        Assert.Equal(Enumerable.Repeat((byte)0x5A, 16), owner.ToArray());

        // By bus address the range is live again: it names the new owner's bytes.
        byte[] read = new byte[16];
        region.Read(stale.BusAddress, read);
        Assert.Equal(owner.ToArray(), read);
    }

    [Fact]
    public void SramRequest_WrittenByOneSideReadByPointer_ResponseWrittenInPlaceIsSeenByTheOwner()
    {
        // RFC §5.3: APPS maps the client buffer, sends payload_ptr/payload_len; TME-L reads the request and writes
        // the response in place; APPS sees it once the exchange is done.
        var region = new QmpSharedMemoryRegion();
        byte[] request = Convert.FromHexString(
            "04000000" +                                        // sw_id
            "00100086" + "40000000" +                           // elf_buf.buf, elf_buf.buf_len
            "00000000" + "00000000" +                           // region_list.buf, region_list.buf_len
            "00000000");                                        // relocate
        byte[] response = Convert.FromHexString(
            "00000000" + "00000000" + "00000000" +              // first_seg_addr, first_seg_len, entry_addr
            "00000000" + "00000000");                           // extended_error, status
        QmpSharedBuffer apps = region.Allocate(request.Length + response.Length);
        apps.Write(request);
        (uint ptr, uint len) = (apps.BusAddress, (uint)apps.Length);

        // TME-L's side: check the peer's pointer and length, read the request, answer in place.
        Assert.True(region.TryGetBuffer(ptr, len, out QmpSharedBuffer? tmel));
        byte[] seen = new byte[request.Length];
        region.Read(ptr, seen);
        Assert.Equal(request, seen);
        Assert.Equal(request, tmel.ToArray()[..request.Length]);
        byte[] answer = Convert.FromHexString("00000086" + "00100000" + "00000086" + "00000000" + "00000000");
        tmel.Write(request.Length, answer);

        Assert.Equal([.. request, .. answer], apps.ToArray());
        region.Free(apps);
        Assert.True(tmel.IsFreed);
        Assert.Equal(region.Size, region.FreeBytes);
    }
}
