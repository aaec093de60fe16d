using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading.Channels;
using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The bound on the wait for the peer's rx_done: a peer that takes the last fragment but never consumes the message makes
/// the send fail after <see cref="QmpTransportOptions.ConsumeTimeout"/> with an error saying it may have been delivered, and the
/// channel is reset so the late rx_done can never confirm another message. The remote words are written by hand; each is
/// derived from the §2 bit layout in the comment beside it.
/// </summary>
public sealed class QmpLinkConsumeTimeoutTests : IAsyncDisposable
{
    private static readonly TimeSpan s_consumeTimeout = TimeSpan.FromMilliseconds(3000);

    private readonly TimerWatchingTime _time = new();
    private readonly QmpInMemoryMailbox _peer;
    private readonly Channel<uint> _localWrites = Channel.CreateUnbounded<uint>();
    private readonly QmpLink _link;

    public QmpLinkConsumeTimeoutTests()
    {
        (QmpInMemoryMailbox local, _peer) = QmpInMemoryMailbox.CreatePair();
        _link = new QmpLink(local, QmpRole.Local, new QmpTransportOptions { ConsumeTimeout = s_consumeTimeout }, _time, mailboxTrace: w => _localWrites.Writer.TryWrite(w.Descriptor.Value));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_PeerTakesButNeverConsumes_FailsAfterTheBound_MayHaveBeenDelivered_ChannelResetsAndReopens()
    {
        await ConnectAsync();
        Task sending = _link.SendAsync(new byte[24], 7, Ct).AsTask();
        Assert.Equal(0x0018001Fu, await NextLocalWordAsync());  // §8 row 7
        _time.ClearCreated();
        WritePeer(0x0000002F);                                    // R: 0xF + tx_ack: the fragment was taken, rx_done not flipped

        await _time.WaitForTimerAsync(s_consumeTimeout);
        _time.Advance(s_consumeTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(sending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        QmpLinkException ex = await Assert.ThrowsAsync<QmpLinkException>(() => sending);
        Assert.Equal(QmpLinkFailure.ConsumeTimeout, ex.Reason);
        Assert.True(ex.MayHaveBeenDelivered);
        Assert.Contains("may have been delivered", ex.Message, StringComparison.Ordinal);

        // The reset handshake: L clears ch_state and its ack (0x0018001F - 0x4 - 0x8), R closes (0x2F - 0x4 - 0x8), L reopens
        // (+ ch_state), R opens and acks (0x23 + 0xC), L connects with R's toggles as the new baseline (0x00180017 + 0x8).
        Assert.Equal(0x00180013u, await NextLocalWordAsync());
        WritePeer(0x00000023);
        Assert.Equal(0x00180017u, await NextLocalWordAsync());
        WritePeer(0x0000002F);
        Assert.Equal(0x0018001Fu, await NextLocalWordAsync());
        await _link.WaitForChannelAsync(Ct);
    }

    [Fact]
    public async Task SendAsync_PeerConsumesWithinTheBound_Completes_LaterTimeResetsNothing()
    {
        await ConnectAsync();
        Task sending = _link.SendAsync(new byte[24], 7, Ct).AsTask();
        Assert.Equal(0x0018001Fu, await NextLocalWordAsync());
        _time.ClearCreated();
        WritePeer(0x0000002F);
        await _time.WaitForTimerAsync(s_consumeTimeout);
        _time.Advance(s_consumeTimeout - TimeSpan.FromMilliseconds(1));

        WritePeer(0x0000006F);                                    // §8 row 8: rx_done flipped
        await sending;
        _time.Advance(s_consumeTimeout);

        Assert.Equal(QmpLinkState.ChannelConnected, _link.State);
        Assert.False(_localWrites.Reader.TryRead(out _));
    }

    [Fact]
    public async Task SendAsync_TimerFiresBeforeTheClockSaysTheBoundIsOver_WaitsOutTheRestThenFails()
    {
        Task sending = await SendTakenNeverConsumedWithAnEarlyTimerAsync();
        _time.Advance(s_consumeTimeout - TimeSpan.FromMilliseconds(1));  // the timer fires 1 ms early
        await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(1)).WaitAsync(TimeSpan.FromSeconds(30), Ct);  // armed again for the rest
        Assert.False(sending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        QmpLinkException ex = await Assert.ThrowsAsync<QmpLinkException>(() => sending);
        Assert.Equal(QmpLinkFailure.ConsumeTimeout, ex.Reason);
    }

    [Fact]
    public async Task SendAsync_TimerFiresEarlyAndTheClockPassesTheBoundWhileItIsHandled_StillFails()
    {
        // The every-kind soak's stalled link: the timer fired 1 ms early, the turn read the clock (period not over), was
        // preempted past the bound, read it again for the rest (nothing left) and armed nothing; the send waited for ever.
        Task sending = await SendTakenNeverConsumedWithAnEarlyTimerAsync();
        _time.AdvanceAfterNextRead(TimeSpan.FromMilliseconds(2));        // the turn's first look at the clock, then 2 ms pass
        _time.Advance(s_consumeTimeout - TimeSpan.FromMilliseconds(1));  // the timer fires 1 ms early
        await _time.WaitForTimerAsync(TimeSpan.FromMilliseconds(1)).WaitAsync(TimeSpan.FromSeconds(30), Ct);  // armed for the rest
        _time.Advance(TimeSpan.FromMilliseconds(1));

        QmpLinkException ex = await Assert.ThrowsAsync<QmpLinkException>(() => sending);
        Assert.Equal(QmpLinkFailure.ConsumeTimeout, ex.Reason);
    }

    [Fact]
    public async Task TransportSendAsync_PeerNeverConsumes_MapsToRpmsgTimeoutDeliveryUnconfirmed()
    {
        await using var transport = new QmpRpmsgTransport(_link);
        transport.Start(new IgnoringHandler());
        await HandshakeAsync();
        Task sending = transport.SendAsync(new RpmsgAddress(1024), new RpmsgAddress(1025), new byte[24], Timeout.InfiniteTimeSpan, Ct).AsTask();
        Assert.Equal(0x0018001Fu, await NextLocalWordAsync());
        _time.ClearCreated();
        WritePeer(0x0000002F);
        await _time.WaitForTimerAsync(s_consumeTimeout);
        _time.Advance(s_consumeTimeout);

        RpmsgTimeoutException ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => sending);
        Assert.Equal(RpmsgError.DeliveryUnconfirmed, ex.Error);
        Assert.Equal(s_consumeTimeout, ex.Timeout);
        Assert.Contains("may have been delivered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QmpLink_ZeroConsumeTimeout_Throws()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new QmpLink(local, QmpRole.Local, new QmpTransportOptions { ConsumeTimeout = TimeSpan.Zero }));
        Assert.Equal(nameof(QmpTransportOptions.ConsumeTimeout), ex.ParamName);
    }

    public async ValueTask DisposeAsync() => await _link.DisposeAsync();

    /// <summary>Brings the channel up as §8 rows 1–6: L 1, R 3, L 7, R F, L F.</summary>
    private async Task ConnectAsync()
    {
        _link.Start(new RecordingLinkHandler());
        await HandshakeAsync();
    }

    private async Task HandshakeAsync()
    {
        Assert.Equal(0x1u, await NextLocalWordAsync());
        WritePeer(0x3);
        Assert.Equal(0x7u, await NextLocalWordAsync());
        WritePeer(0xF);
        Assert.Equal(0xFu, await NextLocalWordAsync());
        await _link.WaitForChannelAsync(Ct);
    }

    /// <summary>Connects, makes every timer fire 1 ms early, and sends a message the peer takes (§8 row 7, then 0x2F) but never
    /// consumes; returns once the wait for rx_done is armed.</summary>
    private async Task<Task> SendTakenNeverConsumedWithAnEarlyTimerAsync()
    {
        await ConnectAsync();
        _time.FireEarlyBy = TimeSpan.FromMilliseconds(1);
        Task sending = _link.SendAsync(new byte[24], 7, Ct).AsTask();
        Assert.Equal(0x0018001Fu, await NextLocalWordAsync());
        _time.ClearCreated();
        WritePeer(0x0000002F);
        await _time.WaitForTimerAsync(s_consumeTimeout);
        return sending;
    }

    private void WritePeer(uint descriptor)
    {
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox, descriptor);
        _peer.WriteOwn(mailbox);
        _peer.RingPeerDoorbell();
    }

    private async Task<uint> NextLocalWordAsync() => await _localWrites.Reader.ReadAsync(Ct);

    private sealed class IgnoringHandler : IRpmsgTransportHandler
    {
        public ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken) => default;

        public ValueTask OnLinkStateChangedAsync(bool isUp, CancellationToken cancellationToken) => default;
    }
}
