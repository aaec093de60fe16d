using Microsoft.Extensions.Time.Testing;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// A mailbox whose peer is a script: each time the link waits for the doorbell, the next scripted step writes the peer's
/// whole 32-byte mailbox (and may first advance the fake clock or start a send), then rings. When the script is spent,
/// <see cref="Drained"/> completes and the wait lasts until the link stops.
/// </summary>
internal sealed class ScriptedPeerMailbox(QmpRole role, FakeTimeProvider time, ReadOnlyMemory<byte> script, Action<int> startSend) : IQmpMailbox
{
    /// <summary>One step: a control byte, then the peer's 32-byte mailbox.</summary>
    public const int StepSize = 1 + QmpMailboxLayout.MailboxSize;

    private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
    private readonly byte[] _own = new byte[QmpMailboxLayout.MailboxSize];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    public int OwnOffset => role == QmpRole.Local ? QmpMailboxLayout.LocalMailboxOffset : QmpMailboxLayout.RemoteMailboxOffset;

    public int PeerOffset => role == QmpRole.Local ? QmpMailboxLayout.RemoteMailboxOffset : QmpMailboxLayout.LocalMailboxOffset;

    /// <summary>Gets a task that completes when the link waited for the doorbell after the last step.</summary>
    public Task Drained => _drained.Task;

    public void ReadPeer(Span<byte> destination) => _peer.CopyTo(destination);

    public void WriteOwn(ReadOnlySpan<byte> mailbox) => mailbox.CopyTo(_own);

    public void RingPeerDoorbell()
    {
    }

    public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken)
    {
        if (_next + StepSize > script.Length)
        {
            _drained.TrySetResult();
            return new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken));
        }

        ReadOnlySpan<byte> step = script.Span.Slice(_next, StepSize);
        _next += StepSize;
        byte control = step[0];
        if ((control & 0x80) != 0)
        {
            // Bits 0..5: how far the clock moves, in 50 ms steps (up to 3.15 s: past every default timeout).
            time.Advance(TimeSpan.FromMilliseconds(50 * (control & 0x3F)));
        }

        if ((control & 0x40) != 0)
        {
            // Bits 0..5 again: the size of a message the local side starts sending (1..6144 bytes).
            startSend(Math.Min(QmpMailboxLayout.MaxMessageSize, 1 + ((control & 0x3F) * 100)));
        }

        step[1..].CopyTo(_peer);
        return ValueTask.CompletedTask;
    }
}
