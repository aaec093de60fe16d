using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

public class QmpLinkMessagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(6143)]
    [InlineData(6144)]
    public async Task SendAsync_EverySize_ArrivesWhole_BothDirections(int size)
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        byte[] message = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();

        await pair.Local.SendAsync(message, 0x0035_0400, Ct);
        (uint reserved, byte[] received) = await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(0x0035_0400u, reserved);
        Assert.Equal(message, received);

        await pair.Remote.SendAsync(message, 0x0400_0035, Ct);
        (reserved, received) = await pair.LocalHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(0x0400_0035u, reserved);
        Assert.Equal(message, received);
        Assert.Equal(0, pair.Local.ProtocolErrors + pair.Remote.ProtocolErrors);
    }

    [Fact]
    public async Task SendAsync_ManyMessagesBothWaysAtOnce_AllArriveInOrder()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        Task a = Task.Run(
            async () =>
            {
                for (int i = 0; i < 200; i++)
                {
                    await pair.Local.SendAsync(BitConverter.GetBytes(i).Concat(new byte[i % 60]).ToArray(), 1, Ct);
                }
            },
            Ct);
        Task b = Task.Run(
            async () =>
            {
                for (int i = 0; i < 200; i++)
                {
                    await pair.Remote.SendAsync(BitConverter.GetBytes(i), 2, Ct);
                }
            },
            Ct);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct)).Message));
            Assert.Equal(i, BitConverter.ToInt32((await pair.LocalHandler.Messages.Reader.ReadAsync(Ct)).Message));
        }

        await Task.WhenAll(a, b);
    }

    [Fact]
    public async Task SendAsync_BadArguments_Throw()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pair.Local.SendAsync(new byte[6145], 1, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Local.SendAsync(new byte[1], QmpLink.ContinuationMarker, Ct).AsTask());
    }

    [Fact]
    public async Task SendAsync_BeforeChannelOpen_ThrowsLinkDown()
    {
        await using var pair = new LinkPair();
        pair.Local.Start(pair.LocalHandler);
        var ex = await Assert.ThrowsAsync<RpmsgException>(() => pair.Local.SendAsync(new byte[1], 1, Ct).AsTask());
        Assert.Equal(RpmsgError.LinkDown, ex.Error);
    }

    [Fact]
    public async Task WaitForChannel_PeerSilent_FailsAfterTheLinkUpTimeout()
    {
        await using var pair = new LinkPair();
        pair.Local.Start(pair.LocalHandler);
        Task waiting = pair.Local.WaitForChannelAsync(Ct);
        pair.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(waiting.IsCompleted);
        pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        var ex = await Assert.ThrowsAsync<QmpLinkException>(() => waiting);
        Assert.Equal(QmpLinkState.LinkNegotiation, ex.State);
        Assert.Equal(RpmsgError.LinkDown, ex.Error);
    }

    [Fact]
    public async Task RemoteRestart_LinkRenegotiates_ChannelReopens_AndMessagesFlowAgain()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        await pair.Remote.DisposeAsync();
        Assert.False(await pair.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));

        // A new TME-L instance on the same window: the RFC driver would stay in LINK_CONNECTED; this link reopens.
        await using var restarted = new QmpLink(pair.Mailboxes.Remote, QmpRole.Remote, null, pair.Time);
        var handler = new RecordingLinkHandler();
        restarted.Start(handler);
        await restarted.WaitForChannelAsync(Ct);
        Assert.True(await pair.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));

        await pair.Local.SendAsync(new byte[] { 1, 2, 3 }, 9, Ct);
        Assert.Equal(new byte[] { 1, 2, 3 }, (await handler.Messages.Reader.ReadAsync(Ct)).Message);
        await restarted.SendAsync(new byte[] { 4 }, 9, Ct);
        Assert.Equal(new byte[] { 4 }, (await pair.LocalHandler.Messages.Reader.ReadAsync(Ct)).Message);
    }

    [Fact]
    public async Task RemoteLinkDown_BeforeTheMessageWasConsumed_FailsTheSendWithLinkDown_SayingItMayHaveBeenDelivered()
    {
        (QmpInMemoryMailbox localBox, QmpInMemoryMailbox remoteBox) = QmpInMemoryMailbox.CreatePair();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var local = new QmpLink(localBox, QmpRole.Local, null, time);
        var remote = new QmpLink(remoteBox, QmpRole.Remote, null, time);
        var neverConsumes = new NeverConsumingHandler();
        remote.Start(neverConsumes);
        local.Start(new RecordingLinkHandler());
        await local.WaitForChannelAsync(Ct);

        Task sending = local.SendAsync(new byte[100], 1, Ct).AsTask();
        await neverConsumes.Receiving.Task.WaitAsync(Ct);
        await remote.DisposeAsync();

        var ex = await Assert.ThrowsAsync<RpmsgException>(() => sending);
        Assert.Equal(RpmsgError.LinkDown, ex.Error);
        Assert.Contains("may have been delivered", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Takes every fragment but never finishes consuming a message (until the link stops).</summary>
    private sealed class NeverConsumingHandler : IQmpLinkHandler
    {
        public TaskCompletionSource Receiving { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, System.Diagnostics.ActivityContext senderContext, CancellationToken cancellationToken)
        {
            Receiving.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken) => default;
    }
}
