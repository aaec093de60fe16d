using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Bus;

/// <summary><see cref="RpmsgBus.LinkDown"/>: fires at the next link-down the bus handles, is re-armed for the one after, and stays fired once the bus is disposed.</summary>
public sealed class RpmsgBusLinkDownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinkDown_FiresAtTheNextLinkDown_ThenANewTokenWaitsForTheOneAfter()
    {
        await using var pair = new BusPair();
        CancellationToken first = pair.Local.LinkDown;
        Assert.False(first.IsCancellationRequested);

        pair.Link.SetLinkDown();
        await first.WhenCancelled().WaitAsync(Ct);

        CancellationToken second = pair.Local.LinkDown;
        Assert.False(second.IsCancellationRequested);
        pair.Link.SetLinkUp();
        Assert.False(second.IsCancellationRequested);
        pair.Link.SetLinkDown();
        await second.WhenCancelled().WaitAsync(Ct);
    }

    [Fact]
    public async Task LinkDown_BusDisposed_FiresAndStaysFired()
    {
        var pair = new BusPair();
        CancellationToken before = pair.Local.LinkDown;

        await pair.DisposeAsync();

        Assert.True(before.IsCancellationRequested);
        Assert.True(pair.Local.LinkDown.IsCancellationRequested);
    }
}
