using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The QMP link fed a sequence of peer mailbox writes. Byte 0 picks the role (even: local, odd: remote); then steps of
/// 33 bytes (<see cref="ScriptedPeerMailbox"/>). The link must take every write without an exception escaping it, keep
/// reading the mailbox until the script is spent, and stop when disposed; sends fail only with their documented errors.
/// </summary>
internal sealed class QmpLinkTarget : FuzzTarget
{
    /// <summary>A real-time bound on each wait: a link that needs longer than this for a few dozen writes is hung.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(2);

    private static readonly byte[] s_message = new byte[QmpMailboxLayout.MaxMessageSize];

    public override string Name => "qmp-link";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        RunAsync(input.ToArray()).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(byte[] input)
    {
        QmpRole role = (input[0] & 1) == 0 ? QmpRole.Local : QmpRole.Remote;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sends = new List<Task>();
        QmpLink? link = null;
        var mailbox = new ScriptedPeerMailbox(role, time, input.AsMemory(1), length =>
        {
            if (link is not null && sends.Count < 8)
            {
                sends.Add(SendAsync(link, length));
            }
        });
        link = new QmpLink(mailbox, role, new QmpTransportOptions(), time);
        link.Start(new DiscardingHandler());
        await Bounded(mailbox.Drained, "the link stopped reading its mailbox before the script was spent").ConfigureAwait(false);
        await Bounded(link.DisposeAsync().AsTask(), "the link did not stop when disposed").ConfigureAwait(false);
        foreach (Task send in sends)
        {
            await Bounded(Task.WhenAny(send), "a send did not end when the link was disposed").ConfigureAwait(false);
            if (send.Exception?.InnerException is { } error && error is not (RpmsgException or OperationCanceledException))
            {
                throw new FuzzInvariantException($"a send failed with an undocumented {error.GetType().Name}: {error}");
            }
        }
    }

    // Async, so that an error the send throws before its first await is a faulted task, not an exception in the link's loop.
    private static async Task SendAsync(QmpLink link, int length) =>
        await link.SendAsync(s_message.AsMemory(0, length), 0x0400_0035).ConfigureAwait(false);

    // WaitAsync, not WhenAny with a Task.Delay: its timer goes when the task ends (at once when it already has), where a delay
    // left thousands of 2 s timers pending per second of fuzzing, each firing later on the thread pool for nothing.
    private static async Task Bounded(Task task, string hang)
    {
        try
        {
            await task.WaitAsync(s_bound).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new FuzzInvariantException(hang);
        }
    }

    private sealed class DiscardingHandler : IQmpLinkHandler
    {
        public ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, ActivityContext senderContext, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;

        public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
