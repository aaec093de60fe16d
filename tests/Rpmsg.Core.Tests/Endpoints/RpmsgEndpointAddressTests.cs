using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Endpoints;

public class RpmsgEndpointAddressTests
{
    [Fact]
    public async Task CreateEndpoint_Any_AssignsDynamicAddressesFrom1024()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint a = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await using RpmsgEndpoint b = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Equal(new RpmsgAddress(1024), a.Address);
        Assert.Equal(new RpmsgAddress(1025), b.Address);
    }

    [Fact]
    public async Task CreateEndpoint_FixedAddressTaken_ThrowsAddressInUse()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint first = pair.Local.CreateEndpoint(30);
        var ex = Assert.Throws<RpmsgException>(() => pair.Local.CreateEndpoint(30));
        Assert.Equal(RpmsgError.AddressInUse, ex.Error);
    }

    [Fact]
    public async Task CreateEndpoint_NameServiceAddress_ThrowsAddressInUse()
    {
        await using var pair = new BusPair();
        Assert.Equal(RpmsgError.AddressInUse, Assert.Throws<RpmsgException>(() => pair.Local.CreateEndpoint(RpmsgAddress.NameService)).Error);
    }

    [Fact]
    public async Task CreateEndpoint_DynamicRangeSkipsFixedAddresses()
    {
        await using var pair = new BusPair();
        await using RpmsgEndpoint fixedOne = pair.Local.CreateEndpoint(1024);
        await using RpmsgEndpoint dynamic = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Equal(new RpmsgAddress(1025), dynamic.Address);
    }

    [Fact]
    public async Task CreateEndpoint_AboveMaxAddress_ThrowsArgumentOutOfRange()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { MaxAddress = 0xFFFE });
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Local.CreateEndpoint(0xFFFF));
        await using RpmsgEndpoint highest = pair.Local.CreateEndpoint(0xFFFE);
        Assert.Equal(new RpmsgAddress(0xFFFE), highest.Address);
    }

    [Fact]
    public async Task DynamicAddress_ReusedOnlyAfterRelease()
    {
        await using var pair = new BusPair(new RpmsgLoopbackOptions { MaxAddress = 1026 });
        RpmsgEndpoint a = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        RpmsgEndpoint b = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        RpmsgEndpoint c = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Equal([1024u, 1025u, 1026u], new[] { a.Address.Value, b.Address.Value, c.Address.Value });
        Assert.Equal(RpmsgError.AddressSpaceExhausted, Assert.Throws<RpmsgException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any)).Error);

        await b.DisposeAsync();
        RpmsgEndpoint d = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.Equal(new RpmsgAddress(1025), d.Address);
    }

    [Fact]
    public async Task DynamicAddress_FreedAddressNotReusedWhileOthersAreFree()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint a = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        await a.DisposeAsync();
        await using RpmsgEndpoint b = pair.Local.CreateEndpoint(RpmsgAddress.Any);
        Assert.NotEqual(a.Address, b.Address);
    }

    [Fact]
    public async Task CreateEndpoint_AfterDispose_FixedAddressIsFreeAgain()
    {
        await using var pair = new BusPair();
        RpmsgEndpoint first = pair.Local.CreateEndpoint(40);
        await first.DisposeAsync();
        await first.DisposeAsync();
        await using RpmsgEndpoint second = pair.Local.CreateEndpoint(40);
        Assert.True(first.IsClosed);
        Assert.False(second.IsClosed);
    }

    [Fact]
    public async Task CreateEndpoint_BusDisposed_ThrowsObjectDisposed()
    {
        var pair = new BusPair();
        await pair.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any));
    }

    [Fact]
    public async Task CreateEndpoint_ZeroQueueCapacity_Throws()
    {
        await using var pair = new BusPair();
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Local.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { ReceiveQueueCapacity = 0 }));
    }

    [Fact]
    public void RpmsgAddress_ConstantsAndText()
    {
        Assert.Equal(0xFFFFFFFFu, RpmsgAddress.Any.Value);
        Assert.True(RpmsgAddress.Any.IsAny);
        Assert.Equal(53u, RpmsgAddress.NameService.Value);
        Assert.Equal(1024u, RpmsgAddress.FirstDynamic.Value);
        Assert.Equal("ANY", RpmsgAddress.Any.ToString());
        Assert.Equal("1024", RpmsgAddress.FromUInt32(1024).ToString());
        Assert.True(new RpmsgAddress(3) < new RpmsgAddress(4));
        Assert.Equal(7u, (uint)new RpmsgAddress(7));
    }
}
