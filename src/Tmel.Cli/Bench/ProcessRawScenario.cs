using System.Buffers.Binary;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// A bare 32-byte exchange with a simulator's raw-echo subsystem, over the same window, doorbells and waiting code as the QMP
/// link, with no state machine and no rpmsg: the client writes its mailbox with a new sequence number as the descriptor word
/// and rings, and waits until the raw side's descriptor carries that number back. Subclasses say what the rest of the mailbox
/// holds.
/// </summary>
internal abstract class ProcessRawScenario(string directory, string subsystem) : BenchScenario
{
    private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
    private QmpSharedMemoryMailbox? _window;
    private uint _sequence;

    public override BenchTransport Transport => BenchTransport.Process;

    /// <summary>Gets the mailbox the client writes; bytes 0..3 are the sequence number.</summary>
    protected byte[] Mailbox { get; } = new byte[QmpMailboxLayout.MailboxSize];

    public override Task SetupAsync(CancellationToken cancellationToken)
    {
        _window = QmpSharedMemoryMailbox.AttachClient(directory, subsystem, TimeProvider.System);
        _window.ReadPeer(_peer);
        return Task.CompletedTask;
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        QmpSharedMemoryMailbox window = _window!;
        for (int i = 0; i < operations; i++)
        {
            _sequence = _sequence == uint.MaxValue ? 1 : _sequence + 1;
            BinaryPrimitives.WriteUInt32LittleEndian(Mailbox, _sequence);
            window.WriteOwn(Mailbox);
            window.RingPeerDoorbell();
            while (true)
            {
                window.ReadPeer(_peer);
                if (BinaryPrimitives.ReadUInt32LittleEndian(_peer) == _sequence)
                {
                    break;
                }

                await window.WaitForDoorbellAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        _window?.Dispose();
        return default;
    }
}
