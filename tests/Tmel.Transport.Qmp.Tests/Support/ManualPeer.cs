using System.Buffers.Binary;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>A local link whose remote side the test writes by hand, word by word; every local write is recorded in order.</summary>
internal sealed class ManualPeer : IAsyncDisposable
{
    private readonly QmpInMemoryMailbox _peer;
    private readonly Channel<uint> _localWrites = Channel.CreateUnbounded<uint>();
    private readonly ILoggerFactory _loggers;

    public ManualPeer()
    {
        (QmpInMemoryMailbox local, _peer) = QmpInMemoryMailbox.CreatePair();
        _loggers = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
        Link = new QmpLink(local, QmpRole.Local, null, Time, _loggers, w => _localWrites.Writer.TryWrite(w.Descriptor.Value));
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public QmpLink Link { get; }

    public RecordingLinkHandler Handler { get; } = new();

    /// <summary>Brings the channel up as §8 rows 1–6: L 1, R 3, L 7, R F, L F.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        Link.Start(Handler);
        Assert.Equal(0x1u, await NextLocalWordAsync(ct));
        WritePeer(0x3);
        Assert.Equal(0x7u, await NextLocalWordAsync(ct));
        WritePeer(0xF);
        Assert.Equal(0xFu, await NextLocalWordAsync(ct));
        await Link.WaitForChannelAsync(ct);
        Assert.True(await Handler.ChannelStates.Reader.ReadAsync(ct));
    }

    /// <summary>Writes the remote descriptor (no payload) and rings the local side.</summary>
    public void WritePeer(uint descriptor)
    {
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox, descriptor);
        _peer.WriteOwn(mailbox);
        _peer.RingPeerDoorbell();
    }

    public async Task<uint> NextLocalWordAsync(CancellationToken ct) => await _localWrites.Reader.ReadAsync(ct);

    public bool TryTakeLocalWord(out uint word) => _localWrites.Reader.TryRead(out word);

    /// <summary>Waits until the link logged this event with a message containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(int eventId, string text, CancellationToken ct)
    {
        await foreach (FakeLogRecord record in Logs.GetLogsAsync(ct))
        {
            if (record.Id.Id == eventId && record.Message.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Link.DisposeAsync();
        _loggers.Dispose();
    }
}
