using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>Interrupts that never arrive: one is recovered by ringing again; two make the send fail, and nothing is delivered late.</summary>
public class QmpLinkLostDoorbellTests
{
    private static readonly TimeSpan s_fragmentTimeout = TimeSpan.FromMilliseconds(1000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneLostDoorbell_IsRungAgainAfterTheFragmentTimeout_AndTheMessageIsDeliveredOnce()
    {
        await using var setup = await Setup.ConnectAsync();
        setup.LocalMailbox.DropNextRings(1);

        Task sending = setup.Local.SendAsync(new byte[] { 1, 2, 3 }, 7, Ct).AsTask();
        await setup.LocalMailbox.WaitForDroppedAsync(1);
        await setup.Time.WaitForTimerAsync(s_fragmentTimeout);
        Assert.False(sending.IsCompleted);

        setup.Time.Advance(s_fragmentTimeout);
        await sending;
        Assert.Equal(new byte[] { 1, 2, 3 }, (await setup.RemoteHandler.Messages.Reader.ReadAsync(Ct)).Message);
        Assert.False(setup.RemoteHandler.Messages.Reader.TryRead(out _));
    }

    [Fact]
    public async Task DoorbellLostTwice_SendFailsWithTimeout_ChannelResetsAndReopens_TheMessageIsNeverDelivered()
    {
        await using var setup = await Setup.ConnectAsync();
        setup.LocalMailbox.DropNextRings(2);

        Task sending = setup.Local.SendAsync(new byte[] { 0xDE, 0xAD }, 7, Ct).AsTask();
        await setup.LocalMailbox.WaitForDroppedAsync(1);
        await setup.Time.WaitForTimerAsync(s_fragmentTimeout);
        setup.Time.Advance(s_fragmentTimeout);
        await setup.LocalMailbox.WaitForDroppedAsync(2);
        await setup.Time.WaitForTimerAsync(s_fragmentTimeout);
        setup.Time.Advance(s_fragmentTimeout);

        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(() => sending);
        Assert.Equal(RpmsgError.TxTimeout, ex.Error);
        Assert.Contains("not delivered", ex.Message, StringComparison.Ordinal);

        // The channel goes down and comes back on its own; the untaken fragment is history, not a message.
        Assert.False(await setup.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));
        Assert.True(await setup.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));
        await setup.Local.WaitForChannelAsync(Ct);
        await setup.Local.SendAsync(new byte[] { 0xBE, 0xEF }, 7, Ct);
        Assert.Equal(new byte[] { 0xBE, 0xEF }, (await setup.RemoteHandler.Messages.Reader.ReadAsync(Ct)).Message);
        Assert.False(setup.RemoteHandler.Messages.Reader.TryRead(out _));
        Assert.Equal(0, setup.Remote.ProtocolErrors);
    }

    [Fact]
    public async Task LostDoorbellOfALaterFragment_IsRungAgainAfterTheFragmentTimeout_AndTheMessageIsDeliveredOnce()
    {
        await using var setup = await Setup.ConnectAsync();
        byte[] message = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray(); // three fragments
        setup.LocalMailbox.DropNextRings(1, after: 2);                              // fragment 3's doorbell is lost

        Task sending = setup.Local.SendAsync(message, 7, Ct).AsTask();
        await setup.LocalMailbox.WaitForDroppedAsync(1);
        await setup.Time.WaitForTimerAsync(s_fragmentTimeout);                     // armed by fragment 1, kept by 2 and 3
        setup.Time.Advance(s_fragmentTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(sending.IsCompleted);
        setup.Time.Advance(TimeSpan.FromMilliseconds(1));

        await sending;
        Assert.Equal(message, (await setup.RemoteHandler.Messages.Reader.ReadAsync(Ct)).Message);
        Assert.False(setup.RemoteHandler.Messages.Reader.TryRead(out _));
        Assert.Equal(0, setup.Remote.ProtocolErrors);
    }

    [Fact]
    public async Task SendCancelledMidMessage_PeerDropsThePartial_NextMessageArrivesOnce()
    {
        await using var setup = await Setup.ConnectAsync();
        byte[] abandoned = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray(); // three fragments
        setup.LocalMailbox.DropNextRings(1, after: 1);                               // fragment 2's doorbell is lost
        using var cts = new CancellationTokenSource();
        Task sending = setup.Local.SendAsync(abandoned, 7, cts.Token).AsTask();
        await setup.LocalMailbox.WaitForDroppedAsync(1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        setup.Time.ClearCreated(); // whether the cancelled wait got to create its timer is a race; only the next one counts

        // The next send first settles the untaken fragment (ringing again after one period), then starts a new message;
        // the peer sees a first fragment while the old message is incomplete and drops the partial.
        Task next = setup.Local.SendAsync(new byte[] { 9 }, 8, Ct).AsTask();
        await setup.Time.WaitForTimerAsync(s_fragmentTimeout);
        setup.Time.Advance(s_fragmentTimeout);
        await next;

        (uint reserved, byte[] message) = await setup.RemoteHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(8u, reserved);
        Assert.Equal(new byte[] { 9 }, message);
        Assert.False(setup.RemoteHandler.Messages.Reader.TryRead(out _));
        Assert.Equal(1, setup.Remote.ProtocolErrors);
    }

    private sealed class Setup : IAsyncDisposable
    {
        private Setup()
        {
            (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
            LocalMailbox = new DroppingMailbox(local);
            Local = new QmpLink(LocalMailbox, QmpRole.Local, null, Time);
            Remote = new QmpLink(remote, QmpRole.Remote, null, Time);
        }

        public TimerWatchingTime Time { get; } = new();

        public DroppingMailbox LocalMailbox { get; }

        public QmpLink Local { get; }

        public QmpLink Remote { get; }

        public RecordingLinkHandler LocalHandler { get; } = new();

        public RecordingLinkHandler RemoteHandler { get; } = new();

        public static async Task<Setup> ConnectAsync()
        {
            var setup = new Setup();
            setup.Remote.Start(setup.RemoteHandler);
            setup.Local.Start(setup.LocalHandler);
            await setup.Local.WaitForChannelAsync(Ct);
            await setup.Remote.WaitForChannelAsync(Ct);
            Assert.True(await setup.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));
            setup.Time.ClearCreated();
            return setup;
        }

        public async ValueTask DisposeAsync()
        {
            await Local.DisposeAsync();
            await Remote.DisposeAsync();
        }
    }

    /// <summary>A mailbox whose next rings of the peer's doorbell are lost, as an interrupt can be.</summary>
    private sealed class DroppingMailbox(IQmpMailbox inner) : IQmpMailbox
    {
        private readonly System.Threading.Channels.Channel<int> _dropped = System.Threading.Channels.Channel.CreateUnbounded<int>();
        private int _toDrop;
        private int _toPass;
        private int _droppedCount;

        public int OwnOffset => inner.OwnOffset;

        public int PeerOffset => inner.PeerOffset;

        /// <summary>Lets <paramref name="after"/> rings through, then loses the next <paramref name="count"/>.</summary>
        public void DropNextRings(int count, int after = 0)
        {
            Volatile.Write(ref _toPass, after);
            Volatile.Write(ref _toDrop, count);
        }

        public async Task WaitForDroppedAsync(int count)
        {
            while (await _dropped.Reader.ReadAsync(Ct) < count)
            {
            }
        }

        public void ReadPeer(Span<byte> destination) => inner.ReadPeer(destination);

        public void WriteOwn(ReadOnlySpan<byte> mailbox) => inner.WriteOwn(mailbox);

        public void RingPeerDoorbell()
        {
            if (Interlocked.Decrement(ref _toPass) >= 0)
            {
                inner.RingPeerDoorbell();
                return;
            }

            Interlocked.Exchange(ref _toPass, 0);
            if (Interlocked.Decrement(ref _toDrop) >= 0)
            {
                _dropped.Writer.TryWrite(Interlocked.Increment(ref _droppedCount));
                return;
            }

            Interlocked.Exchange(ref _toDrop, 0);
            inner.RingPeerDoorbell();
        }

        public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken) => inner.WaitForDoorbellAsync(cancellationToken);
    }
}
