using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The single owner of the link (docs/qmp-link-actor.md): a waiting handler holds back only its own direction, a cancelled
/// token writes nothing, the fragment timer is armed once per fragment, and a message handed over by TrySend reports its
/// failure and frees the send slot without a task per message.
/// </summary>
public class QmpLinkActorTests
{
    private static readonly TimeSpan s_fragmentTimeout = TimeSpan.FromMilliseconds(1000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_HandlerOfThePeerWaits_TheOtherDirectionKeepsFlowing_AndTheSendCompletesWhenItReturns()
    {
        (QmpInMemoryMailbox localBox, QmpInMemoryMailbox remoteBox) = QmpInMemoryMailbox.CreatePair();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var local = new QmpLink(localBox, QmpRole.Local, null, time);
        await using var remote = new QmpLink(remoteBox, QmpRole.Remote, null, time);
        var gated = new GatedHandler();
        var localHandler = new RecordingLinkHandler();
        remote.Start(gated);
        local.Start(localHandler);
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);

        Task request = local.SendAsync(new byte[] { 1 }, 7, Ct).AsTask();
        await gated.Entered.Task.WaitAsync(Ct);

        // The remote's handler has not returned, so its rx_done for the request is not flipped; its own sends still flow.
        await remote.SendAsync(new byte[] { 2, 2 }, 8, Ct);
        Assert.Equal(new byte[] { 2, 2 }, (await localHandler.Messages.Reader.ReadAsync(Ct)).Message);
        Assert.False(request.IsCompleted);

        gated.Release.SetResult();
        await request;
        Assert.Equal(new byte[] { 1 }, gated.Received);
        Assert.Equal(0, local.ProtocolErrors + remote.ProtocolErrors);
    }

    [Fact]
    public async Task SendAsync_TokenAlreadyCancelled_ThrowsAndWritesNothing_TheNextSendGoesOut()
    {
        await using var peer = new ManualPeer();
        await peer.ConnectAsync(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => peer.Link.SendAsync(new byte[24], 7, cancelled.Token).AsTask());
        Assert.False(peer.TryTakeLocalWord(out _));

        Task sending = peer.Link.SendAsync(new byte[24], 7, Ct).AsTask();
        Assert.Equal(0x0018001Fu, await peer.NextLocalWordAsync(Ct)); // §8 row 7: the slot was given back
        peer.WritePeer(0x0000006F);                                      // §8 row 8: taken and consumed
        await sending;
    }

    [Fact]
    public async Task SendAsync_ThreeFragments_ArmsTheFragmentTimerOnceForTheMessage_AndLaterTimeChangesNothing()
    {
        var time = new TimerWatchingTime();
        (QmpInMemoryMailbox localBox, QmpInMemoryMailbox remoteBox) = QmpInMemoryMailbox.CreatePair();
        var writes = new List<uint>();
        await using var local = new QmpLink(localBox, QmpRole.Local, null, time, null, w =>
        {
            lock (writes)
            {
                writes.Add(w.Descriptor.Value);
            }
        });
        await using var remote = new QmpLink(remoteBox, QmpRole.Remote, null, time);
        var remoteHandler = new RecordingLinkHandler();
        remote.Start(remoteHandler);
        local.Start(new RecordingLinkHandler());
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);
        time.ClearCreated();

        await local.SendAsync(new byte[60], 7, Ct);
        await remoteHandler.Messages.Reader.ReadAsync(Ct);

        int fragmentArms = 0;
        while (time.TryTakeCreated(out TimeSpan due))
        {
            fragmentArms += due == s_fragmentTimeout ? 1 : 0;
        }

        // The next fragments keep the timer armed by the first (docs/qmp-link-actor.md); each is still bounded from its own
        // write (QmpLinkLostDoorbellTests.LostDoorbellOfALaterFragment_...).
        Assert.Equal(1, fragmentArms);
        int written;
        lock (writes)
        {
            written = writes.Count;
        }

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(QmpLinkState.ChannelConnected, local.State);
        lock (writes)
        {
            Assert.Equal(written, writes.Count);
        }
    }

    [Fact]
    public async Task TrySend_LinkDownBeforeTheMessageWasConsumed_CountsTheUnconfirmedFailure_AndFreesTheSendSlot()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox peer) = QmpInMemoryMailbox.CreatePair();
        var logs = new FakeLogCollector();
        using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var localWrites = System.Threading.Channels.Channel.CreateUnbounded<uint>();
        var link = new QmpLink(local, QmpRole.Local, null, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), mailboxTrace: w => localWrites.Writer.TryWrite(w.Descriptor.Value));
        await using var transport = new QmpRpmsgTransport(link, loggers);
        transport.Start(new IgnoringHandler());
        Assert.Equal(0x1u, await localWrites.Reader.ReadAsync(Ct));
        WritePeer(peer, 0x3);
        Assert.Equal(0x7u, await localWrites.Reader.ReadAsync(Ct));
        WritePeer(peer, 0xF);
        Assert.Equal(0xFu, await localWrites.Reader.ReadAsync(Ct));
        await link.WaitForChannelAsync(Ct);

        Assert.True(transport.TrySend(new RpmsgAddress(1024), new RpmsgAddress(1025), new byte[24]));
        Assert.Equal(0x0018001Fu, await localWrites.Reader.ReadAsync(Ct));
        Assert.False(transport.TrySend(new RpmsgAddress(1024), new RpmsgAddress(1025), new byte[1])); // one message in flight
        WritePeer(peer, 0x0);                                                                          // the TME-L resets

        await foreach (FakeLogRecord record in logs.GetLogsAsync(Ct))
        {
            if (record.Id.Id == 2200)
            {
                break;
            }
        }

        Assert.Equal(1, transport.UnconfirmedSendFailures);
        Assert.True(link.TryEnterSend());
        link.ReleaseSendSlot();
    }

    private static void WritePeer(QmpInMemoryMailbox peer, uint descriptor)
    {
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox, descriptor);
        peer.WriteOwn(mailbox);
        peer.RingPeerDoorbell();
    }

    /// <summary>Holds the first message until released.</summary>
    private sealed class GatedHandler : IQmpLinkHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[]? Received { get; private set; }

        public async ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, ActivityContext senderContext, CancellationToken cancellationToken)
        {
            Received = message.ToArray();
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }

        public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken) => default;
    }

    private sealed class IgnoringHandler : IRpmsgTransportHandler
    {
        public ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken) => default;

        public ValueTask OnLinkStateChangedAsync(bool isUp, CancellationToken cancellationToken) => default;
    }
}
