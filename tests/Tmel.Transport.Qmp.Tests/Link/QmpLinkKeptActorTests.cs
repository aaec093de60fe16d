using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// On the in-memory window the thread that runs both sides' turns in turn keeps each actor between its turns
/// (docs/qmp-link-actor.md): work posted to a kept actor by another thread is left to that thread, which does it at the
/// actor's next turn or when it lets the actor go. Nothing posted meanwhile is lost.
/// </summary>
public class QmpLinkKeptActorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisposePostedWhileThePeersTurnRuns_WaitsForThatTurnOnly_ThenStopsTheLinkAndFailsTheSend()
    {
        var time = new FakeTimeProvider();
        (QmpInMemoryMailbox localMailbox, QmpInMemoryMailbox remoteMailbox) = QmpInMemoryMailbox.CreatePair();
        // The remote link's meter comes from a factory of its own, so the listener hears that link only, whatever other
        // tests run meanwhile.
        using var remoteMeters = new OneLinkMeterFactory();
        using var pause = new NthCallPause(pauseAt: 2);
        using var received = new FragmentsReceivedListener(remoteMeters, pause.OnCall);
        await using var local = new QmpLink(localMailbox, QmpRole.Local, null, time);
        await using var remote = new QmpLink(remoteMailbox, QmpRole.Remote, null, time, meterFactory: remoteMeters);
        remote.Start(new RecordingLinkHandler());
        local.Start(new RecordingLinkHandler());
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);
        pause.Arm();

        // Five fragments: the sending thread runs both sides' turns in turn. The remote takes fragment 2 in a turn on that
        // thread, which keeps the local actor (it wrote fragment 2 and waits for the ack), and pauses there.
        Task sending = Task.Run(() => local.SendAsync(new byte[5 * QmpMailboxLayout.MaxFragmentSize], 7, Ct).AsTask(), Ct);
        await pause.Paused.WaitAsync(Ct);

        // The dispose is left to the thread that keeps the local actor: it waits for the remote's turn, not longer.
        ValueTask disposing = local.DisposeAsync();
        Assert.Equal(QmpLinkState.ChannelConnected, local.State);
        Assert.False(disposing.IsCompleted);

        pause.Release();
        await disposing.AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(QmpLinkState.LinkDisconnected, local.State);
        var ex = await Assert.ThrowsAsync<RpmsgException>(() => sending);
        Assert.Equal(RpmsgError.LinkDown, ex.Error);
        Assert.Contains("not delivered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreeSendersEachWay_MessagesOfEverySize_AllArriveIntactAndInOrder()
    {
        // No trace (a trace lets kept actors go before every write): the sides keep their actors while the other side's
        // senders, the doorbell watches and the dispatchers post to them from other threads.
        (QmpInMemoryMailbox localMailbox, QmpInMemoryMailbox remoteMailbox) = QmpInMemoryMailbox.CreatePair();
        var localHandler = new RecordingLinkHandler();
        var remoteHandler = new RecordingLinkHandler();
        await using var local = new QmpLink(localMailbox, QmpRole.Local);
        await using var remote = new QmpLink(remoteMailbox, QmpRole.Remote);
        remote.Start(remoteHandler);
        local.Start(localHandler);
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);
        const int PerSender = 150;

        Task[] senders = [.. Enumerable.Range(0, 6).Select(sender => Task.Run(
            async () =>
            {
                QmpLink link = sender < 3 ? local : remote;
                var sizes = new Random(sender);
                for (int sequence = 0; sequence < PerSender; sequence++)
                {
                    await link.SendAsync(Message(sender, sequence, sizes.Next(4) == 0 ? sizes.Next(8, QmpMailboxLayout.MaxMessageSize + 1) : sizes.Next(8, 49)), (uint)sender, Ct);
                }
            },
            Ct))];
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var next = new int[6];
        for (int i = 0; i < 6 * PerSender; i++)
        {
            RecordingLinkHandler handler = i % 2 == 0 ? remoteHandler : localHandler;
            (uint reserved, byte[] message) = await handler.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            int sender = (int)reserved;
            Assert.Equal(Message(sender, next[sender]++, message.Length), message);
        }

        Assert.All(next, count => Assert.Equal(PerSender, count));
        Assert.Equal(0, local.ProtocolErrors + remote.ProtocolErrors);
    }

    private static byte[] Message(int sender, int sequence, int size)
    {
        byte[] message = new byte[size];
        BitConverter.TryWriteBytes(message, sender);
        BitConverter.TryWriteBytes(message.AsSpan(4), sequence);
        for (int i = 8; i < size; i++)
        {
            message[i] = (byte)((sequence * 31) + i + sender);
        }

        return message;
    }

    /// <summary>Creates the one meter of one link, scoped to itself.</summary>
    private sealed class OneLinkMeterFactory : IMeterFactory
    {
        private Meter? _meter;

        public Meter Create(MeterOptions options) => _meter = new Meter(options.Name, options.Version, options.Tags, scope: this);

        public void Dispose() => _meter?.Dispose();
    }

    /// <summary>Calls back, on the counting thread, for every fragment a link whose meters come from one factory receives.</summary>
    private sealed class FragmentsReceivedListener : IDisposable
    {
        private readonly MeterListener _listener = new();

        public FragmentsReceivedListener(IMeterFactory meters, Action onReceived)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "tmel.qmp.fragments")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
            {
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag is { Key: "tmel.qmp.direction", Value: "received" })
                    {
                        onReceived();
                    }
                }
            });
            _listener.Start();
        }

        public void Dispose() => _listener.Dispose();
    }
}
