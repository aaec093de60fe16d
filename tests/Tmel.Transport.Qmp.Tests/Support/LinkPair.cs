using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>A local and a remote link over one in-memory window, with every mailbox write traced in order.</summary>
internal sealed class LinkPair : IAsyncDisposable
{
    private readonly Lock _traceGate = new();
    private readonly List<QmpMailboxWrite> _writes = [];
    private readonly Channel<QmpMailboxWrite> _arrivals = Channel.CreateUnbounded<QmpMailboxWrite>();

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

    /// <summary>Creates another remote side on the same window (a TME-L that reset), traced like the first.</summary>
    public QmpLink CreateRemote() => new(Mailboxes.Remote, QmpRole.Remote, null, Time, null, Record);

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
            List<string> result = [.. _writes.Select(Describe)];
            _writes.Clear();
            DrainArrivals();
            return result;
        }
    }

    public List<QmpMailboxWrite> TakeRawWrites()
    {
        lock (_traceGate)
        {
            List<QmpMailboxWrite> result = [.. _writes];
            _writes.Clear();
            DrainArrivals();
            return result;
        }
    }

    /// <summary>Waits until <paramref name="count"/> writes not yet taken were recorded, and takes those, as <see cref="TakeWrites"/> does.</summary>
    public async Task<List<string>> NextWritesAsync(int count, CancellationToken ct)
    {
        for (int i = 0; i < count; i++)
        {
            await _arrivals.Reader.ReadAsync(ct);
        }

        lock (_traceGate)
        {
            List<string> result = [.. _writes.Take(count).Select(Describe)];
            _writes.RemoveRange(0, count);
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
            _arrivals.Writer.TryWrite(write);
        }
    }

    private static string Describe(QmpMailboxWrite write) => $"{(write.Writer == QmpRole.Local ? 'L' : 'R')}:{write.Descriptor.Value:X8}";

    private void DrainArrivals()
    {
        while (_arrivals.Reader.TryRead(out _))
        {
        }
    }
}
