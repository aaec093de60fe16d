using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Commands;

/// <summary>Collects the mailbox writes of both sides, in the order written, and saves them as JSON lines: the wire, for an operator.</summary>
/// <remarks>The sink only enqueues (it runs under the writing side's lock); the file is written once the demo is done.</remarks>
internal sealed class MailboxTraceFile
{
    private const int MaxWrites = 1_000_000;
    private readonly ConcurrentQueue<QmpMailboxWrite> _writes = new();
    private int _count;

    public int Dropped => Math.Max(0, Volatile.Read(ref _count) - MaxWrites);

    public void Record(QmpMailboxWrite write)
    {
        if (Interlocked.Increment(ref _count) <= MaxWrites)
        {
            _writes.Enqueue(write);
        }
    }

    /// <summary>Formats one write as its JSON line.</summary>
    public static string Format(QmpMailboxWrite write, long sequence)
    {
        QmpDescriptor d = write.Descriptor;
        var line = new JsonObject
        {
            ["seq"] = sequence,
            ["time"] = write.Timestamp.ToString("O", CultureInfo.InvariantCulture),
            ["writer"] = write.Writer == QmpRole.Local ? "local" : "remote",
            ["offset"] = write.Offset,
            ["bytes"] = write.Hex,
            ["descriptor"] = new JsonObject
            {
                ["value"] = $"0x{d.Value:X8}",
                ["link_state"] = Bit(d.LinkState),
                ["link_state_ack"] = Bit(d.LinkStateAck),
                ["ch_state"] = Bit(d.ChannelState),
                ["ch_state_ack"] = Bit(d.ChannelStateAck),
                ["tx"] = Bit(d.Tx),
                ["tx_ack"] = Bit(d.TxAck),
                ["rx_done"] = Bit(d.RxDone),
                ["rx_done_ack"] = Bit(d.RxDoneAck),
                ["frag_size"] = d.FragmentSize,
                ["rem_frag_count"] = d.RemainingFragments,
            },
        };
        return line.ToJsonString(CliJson.Lines);
    }

    public async Task<int> SaveAsync(string path, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(path, append: false);
        await using ConfiguredAsyncDisposable disposing = writer.ConfigureAwait(false);
        long sequence = 0;
        foreach (QmpMailboxWrite write in _writes)
        {
            await writer.WriteLineAsync(Format(write, sequence++).AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        return (int)sequence;
    }

    private static int Bit(bool value) => value ? 1 : 0;
}
