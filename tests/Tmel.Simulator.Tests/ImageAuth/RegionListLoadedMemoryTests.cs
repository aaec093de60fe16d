using Tmel.Services.Tests.ImageAuth.Images;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.ImageAuth;

public class RegionListLoadedMemoryTests
{
    private const ulong LoadBase = 0x4A40_0000;

    private static (QmpSharedMemoryRegion Memory, QmpSharedBuffer CarveOut) Setup()
    {
        var memory = new QmpSharedMemoryRegion(0x4000);
        QmpSharedBuffer carveOut = memory.Allocate(0x2000);
        carveOut.Write(TestElfWriter.Pattern(0x2000, 5));
        return (memory, carveOut);
    }

    [Fact]
    public void TryRead_Relocated_ReadsAtTheOffsetFromTheFirstRegion()
    {
        (QmpSharedMemoryRegion memory, QmpSharedBuffer carveOut) = Setup();
        var loaded = new RegionListLoadedMemory(memory, [new SecAuthRegion(carveOut.BusAddress, 0x2000)], relocate: true, LoadBase);
        byte[] bytes = new byte[16];

        Assert.True(loaded.TryRead(LoadBase + 0x1000, bytes));

        Assert.Equal(TestElfWriter.Pattern(0x2000, 5).AsSpan(0x1000, 16).ToArray(), bytes);
    }

    [Theory]
    [InlineData(LoadBase - 1, 1)]                         // below the load base
    [InlineData(LoadBase + 0x1FF8, 16)]                   // runs past the region
    [InlineData(LoadBase + 0x1_0000_0000, 1)]             // offset beyond 32 bits
    [InlineData(ulong.MaxValue, 1)]
    public void TryRead_RelocatedOutsideTheRegion_IsFalse(ulong address, int length)
    {
        (QmpSharedMemoryRegion memory, QmpSharedBuffer carveOut) = Setup();
        var loaded = new RegionListLoadedMemory(memory, [new SecAuthRegion(carveOut.BusAddress, 0x2000)], relocate: true, LoadBase);

        Assert.False(loaded.TryRead(address, new byte[length]));
    }

    [Fact]
    public void TryRead_RelocatedWithoutALoadBase_IsFalse()
    {
        (QmpSharedMemoryRegion memory, QmpSharedBuffer carveOut) = Setup();
        var loaded = new RegionListLoadedMemory(memory, [new SecAuthRegion(carveOut.BusAddress, 0x2000)], relocate: true, loadBase: null);

        Assert.False(loaded.TryRead(LoadBase, new byte[1]));
    }

    [Fact]
    public void TryRead_AbsoluteWithRegions_ReadsInsideAListedRegionOnly()
    {
        (QmpSharedMemoryRegion memory, QmpSharedBuffer carveOut) = Setup();
        var loaded = new RegionListLoadedMemory(memory, [new SecAuthRegion(carveOut.BusAddress, 0x1000)], relocate: false, LoadBase);

        Assert.True(loaded.TryRead(carveOut.BusAddress + 0x0FF0, new byte[16]));
        Assert.False(loaded.TryRead(carveOut.BusAddress + 0x0FF0, new byte[17]));  // in shared memory, but past the listed region
        Assert.False(loaded.TryRead(0xFFFF_FFFF, new byte[2]));                     // wraps
    }

    [Fact]
    public void TryRead_AbsoluteWithoutRegions_ReadsAnyAllocatedBuffer()
    {
        (QmpSharedMemoryRegion memory, QmpSharedBuffer carveOut) = Setup();
        var loaded = new RegionListLoadedMemory(memory, [], relocate: false, LoadBase);

        Assert.True(loaded.TryRead(carveOut.BusAddress, new byte[0x2000]));
        Assert.False(loaded.TryRead(carveOut.BusAddress + 0x2000, new byte[1]));   // free memory after the carve-out
        memory.Free(carveOut);
        Assert.False(loaded.TryRead(carveOut.BusAddress, new byte[1]));
    }

    [Fact]
    public void ElfLoadBase_IsTheLowestHashedPaddrRoundedDown()
    {
        byte[] elf = TestElfWriter.Build(
            is64: false,
            [new TestSegment(0x4A40_2345, new byte[8], 8), new TestSegment(0x4A40_1800, new byte[8], 8), new TestSegment(0x1000, [], 0)],
            entry: 0);

        Assert.Equal(0x4A40_1000UL, ElfLoadBase.TryCompute(elf));                   // the empty segment (memsz 0) does not count
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void ElfLoadBase_TooShortOrNoElf_IsNull(int length)
    {
        Assert.Null(ElfLoadBase.TryCompute(new byte[length]));
        Assert.Null(ElfLoadBase.TryCompute(TestElfWriter.Pattern(200, 1)));
    }

    [Fact]
    public void ElfLoadBase_PhdrTableOutsideTheMetadata_IsNull()
    {
        byte[] elf = TestElfWriter.Build(is64: false, [new TestSegment(0x4A40_0000, new byte[8], 8)], entry: 0);

        Assert.Null(ElfLoadBase.TryCompute(elf.AsSpan(0, 60)));
    }
}
