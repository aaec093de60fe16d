using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// On the in-memory window a fragment handed to the peer by an inline ring is not timed when written (the peer's actor
/// takes it on the same thread at once); the kept timer times it from when it first finds it waiting. A peer that stalls
/// there still fails the send, at most one fragment period later than a timed fragment would (docs/qmp-link-actor.md).
/// </summary>
public class QmpLinkInlineFragmentTimingTests
{
    private static readonly TimeSpan s_fragmentTimeout = TimeSpan.FromMilliseconds(1000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PeerStallsOnALaterFragment_TheSendFailsWithinOneExtraPeriod_AndNothingIsDelivered()
    {
        var time = new TimerWatchingTime();
        (QmpInMemoryMailbox localMailbox, QmpInMemoryMailbox remoteMailbox) = QmpInMemoryMailbox.CreatePair();
        using var stall = new NthCallPause(pauseAt: 3); // the remote's third write from now: its ack of fragment 3
        await using var local = new QmpLink(localMailbox, QmpRole.Local, null, time);
        await using var remote = new QmpLink(remoteMailbox, QmpRole.Remote, null, time, mailboxTrace: _ => stall.OnCall());
        var remoteHandler = new RecordingLinkHandler();
        remote.Start(remoteHandler);
        local.Start(new RecordingLinkHandler());
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);
        time.ClearCreated();
        stall.Arm();

        // Five fragments. The send runs the whole fragment loop on its own thread; the remote's actor stalls on that thread.
        Task sending = Task.Run(() => local.SendAsync(new byte[5 * QmpMailboxLayout.MaxFragmentSize], 7, Ct).AsTask(), Ct);
        await stall.Paused.WaitAsync(Ct);
        await time.WaitForTimerAsync(s_fragmentTimeout); // armed by fragment 1, kept by 2 and 3

        // A fragment timed from its write would be rung again now and reset one period later. This one is timed from now.
        // (The send's own task exists only once its thread is back, after the stall; the link's state shows the reset.)
        time.Advance(s_fragmentTimeout);
        await time.WaitForTimerAsync(s_fragmentTimeout);
        time.Advance(s_fragmentTimeout);
        await time.WaitForTimerAsync(s_fragmentTimeout);
        Assert.Equal(QmpLinkState.ChannelConnected, local.State);

        time.Advance(s_fragmentTimeout);
        Assert.NotEqual(QmpLinkState.ChannelConnected, local.State);
        stall.Release();
        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => sending);
        Assert.Equal(RpmsgError.TxTimeout, ex.Error);
        Assert.Contains("not delivered", ex.Message, StringComparison.Ordinal);
        await local.WaitForChannelAsync(Ct);
        Assert.False(remoteHandler.Messages.Reader.TryRead(out _));
    }
}
