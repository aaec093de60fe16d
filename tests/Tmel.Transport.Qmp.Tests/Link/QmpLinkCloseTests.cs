using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The local close (the RFC's <c>shutdown</c>, §3.5): the exact words written, the peer's acknowledgement, no reopen, the
/// timeout on a silent peer; and <see cref="QmpLink.WhenChannelClosed"/>. Expected words are qmp-rfc.md §8's where the
/// table has them; the others are derived from the §2 bit layout in the comment beside each.
/// </summary>
public class QmpLinkCloseTests
{
    private static readonly byte[] s_request = new byte[24];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Connects and exchanges one message each way, reaching §8's steady state: L = 0x001800FF, and R's RAM 0x001800FF (#12).</summary>
    private static async Task<LinkPair> SteadyStateAsync()
    {
        var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        await pair.Local.SendAsync(s_request, 0x0035_0400, Ct);
        await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct);

        // The remote's send completes once it saw our rx_done: both words are then at rest.
        await pair.Remote.SendAsync(s_request, 0x0400_0035, Ct);
        await pair.LocalHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal("L:001800FF", pair.TakeWrites().Last(w => w.StartsWith('L')));
        return pair;
    }

    [Fact]
    public async Task CloseAsync_AfterOneExchangedMessage_WritesChannelLevelCleared_AndThePeersAckCompletesIt()
    {
        await using LinkPair pair = await SteadyStateAsync();

        // No time passes: only the peer's acknowledgement can complete the close.
        await pair.Local.CloseAsync(Ct);

        Assert.Equal(
            [
                "L:001800FB", // §8 local close: 0x001800FF - ch_state (bit 2)
                "R:001800F3", // R's RAM 0x001800FF (#12) with ch_state and ch_state_ack (bits 2, 3) cleared: it saw our close
            ],
            pair.TakeWrites());
        Assert.Equal(QmpLinkState.LinkConnected, pair.Local.State);
        Assert.Equal(QmpLinkState.LinkConnected, pair.Remote.State);
        Assert.False(await pair.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));
        Assert.False(await pair.RemoteHandler.ChannelStates.Reader.ReadAsync(Ct));
        Assert.True(pair.Local.WhenChannelClosed.IsCompleted);
    }

    [Fact]
    public async Task CloseAsync_Twice_SecondReturnsAtOnce_WritesNothing()
    {
        await using LinkPair pair = await SteadyStateAsync();
        await pair.Local.CloseAsync(Ct);
        pair.TakeWrites();

        await pair.Local.CloseAsync(Ct);

        Assert.Empty(pair.TakeWrites());
    }

    [Fact]
    public async Task CloseAsync_ThenRemoteResets_LinkAckOnlyFromCleanRam_AndTheChannelIsNotReopened()
    {
        await using LinkPair pair = await SteadyStateAsync();
        await pair.Local.CloseAsync(Ct);
        pair.TakeWrites();

        // The TME-L resets: its link level drops, and a fresh remote side comes up and negotiates again.
        await pair.Remote.DisposeAsync();
        Assert.Equal(["R:00000000", "L:00000001"], await pair.NextWritesAsync(2, Ct)); // §8: the finished close left L's RAM 0x00000003; link ack cleared
        await using QmpLink again = pair.CreateRemote();
        var againHandler = new RecordingLinkHandler();
        again.Start(againHandler);
        pair.Mailboxes.Remote.RingPeerDoorbell();

        Assert.Equal(["R:00000003", "L:00000003"], await pair.NextWritesAsync(2, Ct)); // link up and acked; no ch_state (0x4): no reopen
        Assert.Equal(QmpLinkState.LinkConnected, pair.Local.State);
        Assert.Equal(QmpLinkState.LinkConnected, again.State);
        await Assert.ThrowsAsync<QmpLinkException>(() => WaitForChannelWithTimeoutAsync(pair));
        Assert.Empty(pair.TakeWrites());
    }

    [Fact]
    public async Task CloseAsync_UnacknowledgingPeer_CompletesAfterChannelOpenTimeout_AndLogs()
    {
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);

        Task close = peer.Link.CloseAsync(Ct);

        Assert.Equal(0x0000000Bu, await peer.NextLocalWordAsync(Ct)); // 0x0F (§8 #6) - ch_state
        Assert.Equal(QmpLinkState.LocalDisconnecting, peer.Link.State);
        peer.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(close.IsCompleted);
        peer.Time.Advance(TimeSpan.FromMilliseconds(1));
        await close;

        Assert.Equal(QmpLinkState.LocalDisconnecting, peer.Link.State);
        Assert.Contains(peer.Logs.GetSnapshot(), r => r.Id.Id == 2007 && r.Message.Contains("1000 ms", StringComparison.Ordinal));
        Assert.False(peer.TryTakeLocalWord(out _));
    }

    [Fact]
    public async Task CloseAsync_LatePeerAck_AfterTheTimeout_FinishesTheCloseWithoutAWrite()
    {
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);
        Task close = peer.Link.CloseAsync(Ct);
        Assert.Equal(0x0000000Bu, await peer.NextLocalWordAsync(Ct));
        peer.Time.Advance(TimeSpan.FromSeconds(1));
        await close;

        // The peer finally sees the close: it clears its channel level and its ack of ours.
        peer.WritePeer(0x00000003);
        await peer.WaitForLogAsync(2000, "LocalDisconnecting -> LinkConnected", Ct);
        Assert.False(peer.TryTakeLocalWord(out _));
        peer.WritePeer(0x00000000); // then resets: the local side must answer from the clean RAM 0x00000003

        Assert.Equal(0x00000001u, await peer.NextLocalWordAsync(Ct)); // link_state only: link_state_ack cleared, nothing of the channel
        Assert.Equal(QmpLinkState.LinkNegotiation, peer.Link.State);
    }

    [Fact]
    public async Task CloseAsync_Cancelled_ThrowsOperationCanceled_ChannelStaysClosed()
    {
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task close = peer.Link.CloseAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => close);
        Assert.Equal(0x0000000Bu, await peer.NextLocalWordAsync(Ct));
        Assert.False(peer.Link.IsChannelConnected);
    }

    [Fact]
    public async Task CloseAsync_NotStarted_OrRemoteRole_ReturnsAtOnce()
    {
        await using var pair = new LinkPair();

        await pair.Local.CloseAsync(Ct);
        await pair.ConnectAsync(Ct);
        pair.TakeWrites();
        await pair.Remote.CloseAsync(Ct);

        Assert.Empty(pair.TakeWrites());
        Assert.True(pair.Remote.IsChannelConnected);
    }

    [Fact]
    public async Task CloseAsync_LinkUpChannelNotOpen_ReturnsAtOnce_AndTheChannelNeverOpens()
    {
        await using var peer = new ManualPeer();
        peer.Link.Start(peer.Handler);
        Assert.Equal(0x1u, await peer.NextLocalWordAsync(Ct));

        await peer.Link.CloseAsync(Ct);
        peer.WritePeer(0x3);

        Assert.Equal(0x3u, await peer.NextLocalWordAsync(Ct)); // link ack, but no ch_state: the closing link does not open its channel
        Assert.Equal(QmpLinkState.LinkConnected, peer.Link.State);
    }

    [Fact]
    public async Task WhenChannelClosed_CompletedWhileNotOpen_PendingWhileOpen()
    {
        await using var peer = new ManualPeer();
        Assert.True(peer.Link.WhenChannelClosed.IsCompleted);

        await peer.ConnectAsync(Ct);

        Assert.False(peer.Link.WhenChannelClosed.IsCompleted);
    }

    [Fact]
    public async Task WhenChannelClosed_RemoteChannelDown_Completes_AndAFreshTaskWaitsAfterTheReopen()
    {
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);
        Task closed = peer.Link.WhenChannelClosed;

        peer.WritePeer(0x0000000B); // R clears ch_state (bit 2) of 0x0F

        await closed.WaitAsync(Ct);
        Assert.Equal(0x00000007u, await peer.NextLocalWordAsync(Ct)); // §8 channel-down path: L keeps ch_state, clears ch_state_ack
        Assert.Equal(QmpLinkState.LocalConnecting, peer.Link.State);
        Assert.False(await peer.Handler.ChannelStates.Reader.ReadAsync(Ct));

        peer.WritePeer(0x0000000F); // R reopens
        Assert.Equal(0x0000000Fu, await peer.NextLocalWordAsync(Ct));
        await peer.Link.WaitForChannelAsync(Ct);
        Assert.False(peer.Link.WhenChannelClosed.IsCompleted);
    }

    [Fact]
    public async Task WhenChannelClosed_RemoteLinkDown_Completes()
    {
        await using LinkPair pair = await SteadyStateAsync();
        Task closed = pair.Local.WhenChannelClosed;
        Assert.False(closed.IsCompleted);

        await pair.Remote.DisposeAsync();

        await closed.WaitAsync(Ct);
        Assert.Equal(QmpLinkState.LinkNegotiation, pair.Local.State);
    }

    private static async Task WaitForChannelWithTimeoutAsync(LinkPair pair)
    {
        Task wait = pair.Local.WaitForChannelAsync(Ct);
        pair.Time.Advance(TimeSpan.FromSeconds(1));
        await wait;
    }
}
