using System.Buffers.Binary;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Hosting;

/// <summary>
/// The benchmark baseline's far side: on a subsystem served raw, every new 32-byte mailbox the client writes is written back
/// whole and the client rung, with the same window, doorbells and waiting code as a QMP link but no state machine and no rpmsg.
/// </summary>
internal sealed class RawMailboxEcho : IAsyncDisposable
{
    private readonly QmpSharedMemoryMailbox _mailbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RawMailboxEcho(QmpSharedMemoryMailbox mailbox)
    {
        _mailbox = mailbox;
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];

        // What this side last wrote: its mailbox starts cleared (the simulator's side clears it when it opens). A client word
        // that differs from it is new and is written back; comparing with what was last *read* instead would take a word the
        // client wrote before this loop first looked as already answered, and the client would wait for ever.
        uint written = 0;
        try
        {
            while (true)
            {
                _mailbox.ReadPeer(mailbox);
                uint descriptor = BinaryPrimitives.ReadUInt32LittleEndian(mailbox);
                if (descriptor != written)
                {
                    written = descriptor;
                    _mailbox.WriteOwn(mailbox);
                    _mailbox.RingPeerDoorbell();
                }

                await _mailbox.WaitForDoorbellAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
