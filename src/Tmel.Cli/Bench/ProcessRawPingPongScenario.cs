using System.Buffers.Binary;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// The two-process baseline: a bare 32-byte ping-pong with a simulator's raw-echo subsystem, over the same window, doorbells and
/// waiting code as the QMP link, with no state machine and no rpmsg.
/// </summary>
internal sealed class ProcessRawPingPongScenario(string directory, string subsystem) : BenchScenario
{
    private readonly byte[] _mailbox = new byte[QmpMailboxLayout.MailboxSize];
    private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
    private QmpSharedMemoryMailbox? _window;
    private uint _sequence;

    public override string Name => "raw 32 B ping-pong";

    public override BenchTransport Transport => BenchTransport.Process;

    public override int PayloadSize => QmpMailboxLayout.MailboxSize;

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
            BinaryPrimitives.WriteUInt32LittleEndian(_mailbox, _sequence);
            window.WriteOwn(_mailbox);
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
