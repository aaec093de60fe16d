using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Transport;

public sealed class LoopbackTransportContractTests : RpmsgTransportContractTests
{
    private protected override Task<TransportPair> CreatePairAsync(RecordingHandler first, RecordingHandler second)
    {
        var link = new RpmsgLoopback(new RpmsgLoopbackOptions { TxQueueDepth = 4 }, Time);
        link.First.Start(first);
        link.Second.Start(second);
        return Task.FromResult(new TransportPair(link.First, link.Second));
    }
}

public class RpmsgLoopbackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IsUp_OnlyOnceBothEndsStarted()
    {
        var link = new RpmsgLoopback();
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        link.First.Start(a);
        Assert.False(link.IsUp);
        Assert.False(link.First.IsLinkUp);
        Assert.Equal(RpmsgError.LinkDown, Assert.Throws<RpmsgException>(() => link.First.TrySend(1, 2, [1])).Error);
        link.Second.Start(b);
        Assert.True(link.IsUp);
        Assert.True(await a.LinkStates.NextAsync());
        await link.First.DisposeAsync();
        await link.Second.DisposeAsync();
    }

    [Fact]
    public async Task Start_Twice_Throws()
    {
        var link = new RpmsgLoopback();
        link.First.Start(new RecordingHandler());
        Assert.Throws<InvalidOperationException>(() => link.First.Start(new RecordingHandler()));
        await link.First.DisposeAsync();
    }

    [Theory]
    [InlineData(0, 496, 0xFFFFFFFEu)]
    [InlineData(1, 0, 0xFFFFFFFEu)]
    [InlineData(1, 496, 1023u)]
    [InlineData(1, 496, 0xFFFFFFFFu)]
    public void Constructor_OptionOutOfRange_Throws(int depth, int mtu, uint maxAddress) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RpmsgLoopback(new RpmsgLoopbackOptions { TxQueueDepth = depth, Mtu = mtu, MaxAddress = maxAddress }));

    [Fact]
    public async Task SetLinkDown_QueuedFramesDeliveredBeforeLinkDown_ThenSendsFail()
    {
        var link = new RpmsgLoopback();
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        link.First.Start(a);
        link.Second.Start(b);
        Assert.True(await b.LinkStates.NextAsync());
        Assert.True(link.First.TrySend(1, 2, [1]));
        Assert.True(link.First.TrySend(1, 2, [2]));
        link.SetLinkDown();
        Assert.Equal(RpmsgError.LinkDown, Assert.Throws<RpmsgException>(() => link.First.TrySend(1, 2, [3])).Error);
        Assert.Equal(RpmsgError.LinkDown, (await Assert.ThrowsAsync<RpmsgException>(async () => await link.First.SendAsync(1, 2, new byte[] { 3 }, Timeout.InfiniteTimeSpan, Ct))).Error);
        Assert.Equal(new byte[] { 1 }, (await b.Frames.NextAsync()).Payload);
        Assert.Equal(new byte[] { 2 }, (await b.Frames.NextAsync()).Payload);
        Assert.False(await b.LinkStates.NextAsync());
        Assert.False(b.Frames.Reader.TryRead(out _));

        link.SetLinkUp();
        Assert.True(await b.LinkStates.NextAsync());
        Assert.True(link.First.TrySend(1, 2, [4]));
        Assert.Equal(new byte[] { 4 }, (await b.Frames.NextAsync()).Payload);
        await link.First.DisposeAsync();
        await link.Second.DisposeAsync();
    }

    [Fact]
    public async Task SendAsync_WaitingForRoomWhenLinkGoesDown_ThrowsLinkDown()
    {
        var link = new RpmsgLoopback(new RpmsgLoopbackOptions { TxQueueDepth = 1 });
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        link.First.Start(a);
        link.Second.Start(b);
        b.Block();
        while (link.First.TrySend(1, 2, [0]))
        {
        }

        ValueTask pending = link.First.SendAsync(1, 2, new byte[] { 9 }, Timeout.InfiniteTimeSpan, Ct);
        link.SetLinkDown();
        Assert.Equal(RpmsgError.LinkDown, (await Assert.ThrowsAsync<RpmsgException>(async () => await pending)).Error);
        b.Unblock();
        await link.First.DisposeAsync();
        await link.Second.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_OneEnd_PeerSeesLinkDown()
    {
        var link = new RpmsgLoopback();
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        link.First.Start(a);
        link.Second.Start(b);
        Assert.True(await b.LinkStates.NextAsync());
        await link.First.DisposeAsync();
        Assert.False(await b.LinkStates.NextAsync());
        Assert.False(link.Second.IsLinkUp);
        await link.Second.DisposeAsync();
    }
}
