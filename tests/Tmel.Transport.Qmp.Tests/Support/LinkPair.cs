using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>A local and a remote link over one in-memory window, with every mailbox write traced in order.</summary>
internal sealed class LinkPair : IAsyncDisposable
{
    private readonly Lock _traceGate = new();
    private readonly List<QmpMailboxWrite> _writes = [];

    public LinkPair()
    {
        (Mailboxes.Local, Mailboxes.Remote) = QmpInMemoryMailbox.CreatePair();
        Local = new QmpLink(Mailboxes.Local, QmpRole.Local, null, Time, null, Record);
        Remote = new QmpLink(Mailboxes.Remote, QmpRole.Remote, null, Time, null, Record);
    }

    public FakeTimeProvider Time { get; } = new();

    public (QmpInMemoryMailbox Local, QmpInMemoryMailbox Remote) Mailboxes;

    public QmpLink Local { get; }

    public QmpLink Remote { get; }

    public RecordingLinkHandler LocalHandler { get; } = new();

    public RecordingLinkHandler RemoteHandler { get; } = new();

    /// <summary>Starts the remote side first (it waits for the local side, as TME-L does), then the local side, and waits for the channel.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        Remote.Start(RemoteHandler);
        Local.Start(LocalHandler);
        await Local.WaitForChannelAsync(ct);
        await Remote.WaitForChannelAsync(ct);
        Assert.True(await LocalHandler.ChannelStates.Reader.ReadAsync(ct));
        Assert.True(await RemoteHandler.ChannelStates.Reader.ReadAsync(ct));
    }

    /// <summary>Takes the writes recorded so far, as "L:descriptor" / "R:descriptor" hex, and forgets them.</summary>
    public List<string> TakeWrites()
    {
        lock (_traceGate)
        {
            List<string> result = [.. _writes.Select(w => $"{(w.Writer == QmpRole.Local ? 'L' : 'R')}:{w.Descriptor.Value:X8}")];
            _writes.Clear();
            return result;
        }
    }

    public List<QmpMailboxWrite> TakeRawWrites()
    {
        lock (_traceGate)
        {
            List<QmpMailboxWrite> result = [.. _writes];
            _writes.Clear();
            return result;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Local.DisposeAsync();
        await Remote.DisposeAsync();
    }

    private void Record(QmpMailboxWrite write)
    {
        lock (_traceGate)
        {
            _writes.Add(write);
        }
    }
}
