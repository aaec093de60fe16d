using System.Buffers.Binary;
using System.Threading.Channels;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The handshake has no timer of its own: when a bring-up wait runs out, the link reads the peer's word again and rings the
/// peer again, so a doorbell lost during the handshake cannot leave both sides waiting with words that already answer.
/// </summary>
public sealed class QmpLinkBringUpNudgeTests : IAsyncDisposable
{
    private static readonly TimeSpan s_linkUpTimeout = TimeSpan.FromMilliseconds(500);

    private readonly TimerWatchingTime _time = new();
    private readonly QmpInMemoryMailbox _peer;
    private readonly Channel<uint> _localWrites = Channel.CreateUnbounded<uint>();
    private readonly QmpLink _link;

    public QmpLinkBringUpNudgeTests()
    {
        (QmpInMemoryMailbox local, _peer) = QmpInMemoryMailbox.CreatePair();
        _link = new QmpLink(local, QmpRole.Local, new QmpTransportOptions { LinkUpTimeout = s_linkUpTimeout }, _time, mailboxTrace: w => _localWrites.Writer.TryWrite(w.Descriptor.Value));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _link.DisposeAsync();

    [Fact]
    public async Task WaitForChannelAsync_PeersRingLost_TimesOut_ThenReadsThePeerAgainAndGoesOn()
    {
        _link.Start(new RecordingLinkHandler());
        Assert.Equal(0x1u, await NextLocalWordAsync());            // §8 row 1: L raises link_state

        // R answers (row 2: link_state + ack) but its doorbell is lost: the word is there, nobody rang.
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox, 0x3);
        _peer.WriteOwn(mailbox);

        _time.ClearCreated();
        Task waiting = _link.WaitForChannelAsync(Ct);
        await _time.WaitForTimerAsync(s_linkUpTimeout);
        Assert.False(_localWrites.Reader.TryRead(out _));
        _time.Advance(s_linkUpTimeout);
        QmpLinkException ex = await Assert.ThrowsAsync<QmpLinkException>(() => waiting);
        Assert.Equal(QmpLinkFailure.LinkUpTimeout, ex.Reason);

        // The nudge read R's word: link up, and the channel open goes out (row 3).
        Assert.Equal(0x7u, await NextLocalWordAsync());
        Assert.Equal(QmpLinkState.LocalConnecting, _link.State);
    }

    private async Task<uint> NextLocalWordAsync() => await _localWrites.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
}
