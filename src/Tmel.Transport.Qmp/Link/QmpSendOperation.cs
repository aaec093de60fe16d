using System.Diagnostics;
using System.Threading.Tasks.Sources;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The link's one reusable send: the message the holder of the send slot posted to the actor, and the completion its
/// sender awaits. One per link, because the slot lets one message in flight at a time; nothing is allocated per send.
/// </summary>
/// <remarks>
/// <para>Only the actor decides the outcome (<see cref="Error"/>), and it completes the operation after its turn, outside
/// any lock. The sender's continuation runs asynchronously (as a <see cref="System.Threading.Channels.Channel"/> does by
/// default), so user code never runs on the thread that completed it.</para>
/// <para><see cref="IValueTaskSource.GetResult"/> gives the send slot back, so the operation is reused only after its
/// sender has taken the result. A message handed over by <c>TrySend</c> has no sender: it is copied into the operation's
/// own buffer, and the actor's completion gives the slot back.</para>
/// </remarks>
internal sealed class QmpSendOperation : IValueTaskSource
{
    private readonly QmpLink _link;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private byte[]? _copy;

    public QmpSendOperation(QmpLink link) => _link = link;

    /// <summary>Gets the message; valid until the operation completes.</summary>
    public ReadOnlyMemory<byte> Message { get; private set; }

    /// <summary>Gets the reserved word of the first fragment.</summary>
    public uint ReservedWord { get; private set; }

    /// <summary>Gets the sender's trace context, taken on the sender's thread (the actor runs elsewhere).</summary>
    public ActivityContext SenderContext { get; private set; }

    /// <summary>Gets the sender's token; the actor checks it when told of a cancellation.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>Gets a value indicating whether nobody awaits the operation (a message handed over by TrySend).</summary>
    public bool HandedOver { get; private set; }

    /// <summary>Gets or sets the outcome the actor decided: <see langword="null"/> for delivered.</summary>
    public Exception? Error { get; set; }

    /// <summary>Prepares the operation for a waiting send; returns the token of the <see cref="ValueTask"/> to hand out.</summary>
    public short Prepare(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken)
    {
        _core.Reset();
        Message = message;
        ReservedWord = reservedWord;
        SenderContext = Activity.Current?.Context ?? default;
        CancellationToken = cancellationToken;
        HandedOver = false;
        Error = null;
        return _core.Version;
    }

    /// <summary>After the send was posted: unless it already completed (on the in-memory window it often has, inside the post),
    /// registers on the sender's token, so a cancellation tells the actor. A token cancelled meanwhile calls back at once.</summary>
    public void RegisterCancellation()
    {
        if (CancellationToken.CanBeCanceled && _core.GetStatus(_core.Version) == ValueTaskSourceStatus.Pending)
        {
            _registration = CancellationToken.UnsafeRegister(static state => ((QmpSendOperation)state!)._link.PostSendCancelled(), this);
        }
    }

    /// <summary>Prepares the operation for a message nobody awaits: the payload is copied into the operation's own buffer.</summary>
    public void PrepareHandedOver(ReadOnlySpan<byte> payload, uint reservedWord)
    {
        _copy ??= new byte[QmpMailboxLayout.MaxMessageSize];
        payload.CopyTo(_copy);
        Message = _copy.AsMemory(0, payload.Length);
        ReservedWord = reservedWord;
        SenderContext = Activity.Current?.Context ?? default;
        CancellationToken = CancellationToken.None;
        HandedOver = true;
        Error = null;
    }

    /// <summary>Completes the operation with <see cref="Error"/>; called once per send, outside the actor's turn.</summary>
    public void Complete()
    {
        if (HandedOver)
        {
            int length = Message.Length;
            Exception? error = Error;
            Message = default;
            Error = null;
            if (error is RpmsgException failure)
            {
                _link.OnHandedOverSendFailed(length, failure);
            }

            _link.ReleaseSendSlot();
            return;
        }

        if (Error is null)
        {
            _core.SetResult(true);
        }
        else
        {
            _core.SetException(Error);
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            // Waits for a cancellation callback that is running, so no late callback can touch the next send.
            _registration.Dispose();
            _registration = default;
            Message = default;
            Error = null;
            _link.ReleaseSendSlot();
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
