using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>A hand-driven remote side writes what a buggy or hostile TME-L could write; the local link must count, drop and go on.</summary>
public sealed class QmpLinkHostilePeerTests : IAsyncLifetime
{
    private readonly QmpInMemoryMailbox _localMailbox;
    private readonly QmpInMemoryMailbox _peer;
    private readonly QmpLink _link;
    private readonly RecordingLinkHandler _handler = new();
    private QmpDescriptor _peerDescriptor;

    public QmpLinkHostilePeerTests()
    {
        (_localMailbox, _peer) = QmpInMemoryMailbox.CreatePair();
        _link = new QmpLink(_localMailbox, QmpRole.Local, null, new FakeTimeProvider());
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _link.Start(_handler);
        await UntilLocal(d => d.LinkState);
        Write(new QmpDescriptor(0x3));
        await UntilLocal(d => d.ChannelState);
        Write(new QmpDescriptor(0xF));
        await _link.WaitForChannelAsync(Ct);
        Assert.True(await _handler.ChannelStates.Reader.ReadAsync(Ct));
    }

    public async ValueTask DisposeAsync() => await _link.DisposeAsync();

    [Theory]
    [InlineData(25, 0)]   // more than a mailbox holds
    [InlineData(255, 0)]
    [InlineData(10, 3)]   // a non-final fragment that is not full
    [InlineData(0, 1)]
    public async Task FirstFragment_ImpossibleSize_IsCountedDroppedAndAcked(int size, int remaining)
    {
        await SendFragment(size, remaining, 0x0001_0002);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ExpectNoMessage());
        Assert.Equal(1, _link.ProtocolErrors);
        await SendWholeMessage([9, 9]);
    }

    [Fact]
    public async Task Continuation_WithoutAMessageInProgress_IsCountedAndDropped()
    {
        await SendFragment(24, 0, QmpLink.ContinuationMarker);
        Assert.Equal(1, _link.ProtocolErrors);
        await SendWholeMessage([1]);
    }

    [Fact]
    public async Task Continuation_SkippingACount_DropsThePartialMessage()
    {
        await SendFragment(24, 2, 0x0001_0002);
        await SendFragment(10, 0, QmpLink.ContinuationMarker); // expected rem 1
        Assert.Equal(1, _link.ProtocolErrors);
        await SendWholeMessage([2]);
    }

    [Fact]
    public async Task DroppedMessage_ItsRemainingFragments_AreDroppedWithoutCountingAgain()
    {
        // A bad first fragment of a four-fragment message: the peer cannot know and sends the other three.
        await SendFragment(25, 3, 0x0001_0002);
        await SendFragment(24, 2, QmpLink.ContinuationMarker);
        await SendFragment(24, 1, QmpLink.ContinuationMarker);
        await SendFragment(5, 0, QmpLink.ContinuationMarker);
        Assert.Equal(1, _link.ProtocolErrors);

        // A continuation skipping a count drops the message once; then a stray continuation is counted again.
        await SendFragment(24, 2, 0x0001_0002);
        await SendFragment(24, 0, QmpLink.ContinuationMarker);
        await SendFragment(24, 0, QmpLink.ContinuationMarker);
        Assert.Equal(3, _link.ProtocolErrors);
        await SendWholeMessage([8]);
    }

    [Fact]
    public async Task NewMessage_MidMessage_DropsThePartialAndDeliversTheNewOne()
    {
        await SendFragment(24, 3, 0x0001_0002);
        await SendWholeMessage([3, 4, 5]);
        Assert.Equal(1, _link.ProtocolErrors);
    }

    [Fact]
    public async Task RemoteResetsItsDescriptorMidMessage_PartialIsDropped_LinkRenegotiates_NextMessageArrivesOnce()
    {
        await SendFragment(24, 2, 0x0001_0002, Enumerable.Repeat((byte)0xAA, 24).ToArray());

        // TME-L resets: its whole descriptor goes to 0 (link down), then it comes back with a fresh handshake.
        Write(new QmpDescriptor(0));
        await UntilLocal(d => !d.LinkStateAck);
        Assert.False(await _handler.ChannelStates.Reader.ReadAsync(Ct));
        Write(new QmpDescriptor(0x3));
        await UntilLocal(d => d.Value == 0x7);
        Write(new QmpDescriptor(0xF));
        await _link.WaitForChannelAsync(Ct);
        Assert.True(await _handler.ChannelStates.Reader.ReadAsync(Ct));

        await SendWholeMessage([5]);
        Assert.False(_handler.Messages.Reader.TryRead(out _));
        Assert.Equal(0, _link.ProtocolErrors);
    }

    [Fact]
    public async Task RxDoneToggle_WithNothingOutstanding_IsCounted()
    {
        Write(_peerDescriptor.WithRxDone(!_peerDescriptor.RxDone));
        await SendWholeMessage([6]);
        Assert.Equal(1, _link.ProtocolErrors);
    }

    /// <summary>Random words and payloads (rings collapse, so the link sees an arbitrary subset of them); it must survive and follow a fresh handshake.</summary>
    [Fact]
    public async Task ArbitraryDescriptorsAndPayloads_LinkSurvivesAndRecovers()
    {
        var random = new Random(1234);
        byte[] payload = new byte[24];
        for (int i = 0; i < 500; i++)
        {
            random.NextBytes(payload);
            uint word = (uint)random.Next() | 0x5u; // keep link and channel up; everything else random
            WriteRaw(word, payload, (uint)random.Next());
        }

        // The peer then resets and handshakes afresh: the link follows, and a message gets through.
        Write(new QmpDescriptor(0));
        await UntilLocal(d => !d.LinkStateAck);
        Write(new QmpDescriptor(0x3));
        await UntilLocal(d => d.Value == 0x7);
        Write(new QmpDescriptor(0xF));
        await _link.WaitForChannelAsync(Ct);
        await SendWholeMessage([7, 7, 7]);
    }

    private QmpDescriptor Local
    {
        get
        {
            byte[] box = new byte[32];
            _peer.ReadPeer(box);
            return new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(box));
        }
    }

    private async Task SendWholeMessage(byte[] message)
    {
        await SendFragment(message.Length, 0, 0x0001_0002, message);
        (uint reserved, byte[] received) = await _handler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(0x0001_0002u, reserved);
        Assert.Equal(message, received);
        await UntilLocal(d => d.RxDone != _peerDescriptor.RxDoneAck);
        _peerDescriptor = _peerDescriptor.WithRxDoneAck(Local.RxDone);
    }

    /// <summary>Writes one fragment and waits until the local side acked it (its tx_ack matches our tx).</summary>
    private async Task SendFragment(int size, int remaining, uint reserved, byte[]? data = null)
    {
        QmpDescriptor next = _peerDescriptor.WithTx(!_peerDescriptor.Tx).WithFragment((byte)size, (byte)remaining);
        byte[] payload = new byte[24];
        data?.CopyTo(payload, 0);
        WriteRaw(next.Value, payload, reserved);
        await UntilLocal(d => d.TxAck == next.Tx);
    }

    private void Write(QmpDescriptor descriptor) => WriteRaw(descriptor.Value, new byte[24], 0);

    private void WriteRaw(uint descriptor, byte[] payload, uint reserved)
    {
        _peerDescriptor = new QmpDescriptor(descriptor);
        byte[] box = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(box, descriptor);
        payload.CopyTo(box, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(box.AsSpan(28), reserved);
        _peer.WriteOwn(box);
        _peer.RingPeerDoorbell();
    }

    private async Task UntilLocal(Func<QmpDescriptor, bool> condition)
    {
        while (!condition(Local))
        {
            Ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    private async Task ExpectNoMessage()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.Cancel();
        await _handler.Messages.Reader.ReadAsync(cts.Token);
    }
}
