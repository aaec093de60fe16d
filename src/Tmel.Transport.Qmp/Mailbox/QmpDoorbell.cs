using System.Threading.Tasks.Sources;

namespace Tmel.Transport.Qmp;

/// <summary>
/// An in-process doorbell for one waiter: rings are latched, a waiter spins briefly before it parks, and neither
/// ringing nor waiting allocates.
/// </summary>
/// <remarks>
/// The waiter may spin for <c>spinCount</c> rounds before it parks; a parked waiter uses no CPU. On machines with cores
/// to spare a short spin catches a wake-up cheaply; on two cores it steals the core the peer needs, so the default is to
/// park at once (see <see cref="QmpInMemoryMailbox.DefaultSpinCount"/>). Several rings before a wait collapse into one
/// wake-up: the waiter re-reads the whole mailbox each time. One ring never wakes twice, as one doorbell write raises one
/// interrupt: a peer like the RFC driver, which opens its channel on any interrupt, must not see one that never rang.
/// <para>A woken waiter resumes on the thread pool. A ring that allows it (<see cref="Ring(bool)"/>) calls the inline
/// handler instead, when one is set (<see cref="SetInlineHandler"/>), on the ringer's thread, as an interrupt calls its
/// handler; the latch and the waiter are left alone. The QMP link's actor is such a handler: it takes no lock and never
/// blocks. A handler that rings (the peer answering) does not run the other side's handler inside itself: that ring
/// waits on the thread's loop (<see cref="QmpInlineRingLoop"/>) and is handled once the running handler returned, so the
/// two sides take turns in a loop and the stack stays flat. Rings of one doorbell waiting there collapse into one call.</para>
/// </remarks>
internal sealed class QmpDoorbell : IValueTaskSource
{
    [ThreadStatic]
    private static QmpInlineRingLoop? s_loop;

    private readonly int _spinCount;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private IQmpInlineRingHandler? _inlineHandler;
    private int _pending;
    private int _parked;

    public QmpDoorbell(int spinCount) => _spinCount = spinCount;

    public void Ring() => Ring(allowInlineWake: false);

    /// <summary>Rings; with <paramref name="allowInlineWake"/> and an inline handler set, the handler runs on this thread.</summary>
    public void Ring(bool allowInlineWake)
    {
        if (allowInlineWake && Volatile.Read(ref _inlineHandler) is not null)
        {
            (s_loop ??= new QmpInlineRingLoop()).Ring(this);
            return;
        }

        WakeWaiter();
    }

    /// <summary>Sets who handles rings that allow inline handling; <see langword="null"/> to wake the waiter for every ring.</summary>
    public void SetInlineHandler(IQmpInlineRingHandler? handler) => Volatile.Write(ref _inlineHandler, handler);

    /// <summary>Waits for a ring that was not handled inline.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _pending, 0) == 1)
        {
            return default;
        }

        var spinner = default(SpinWait);
        for (int i = 0; i < _spinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _pending) == 1 && Interlocked.Exchange(ref _pending, 0) == 1)
            {
                return default;
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _core.Reset();
        Interlocked.Exchange(ref _parked, 1);
        if (Interlocked.Exchange(ref _pending, 0) == 1 && Interlocked.Exchange(ref _parked, 0) == 1)
        {
            // A ring landed while we were parking, and nobody claimed the parked waiter: take it back.
            return default;
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((QmpDoorbell)state!).Cancel(token), this);
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Latches the ring and wakes a parked waiter (on the thread pool).</summary>
    internal void WakeWaiter()
    {
        Interlocked.Exchange(ref _pending, 1);
        if (Interlocked.Exchange(ref _parked, 0) == 1)
        {
            // Only the ringer that un-parked the waiter touches the core until the waiter waits again.
            _core.SetResult(true);
        }
    }

    /// <summary>Gets or sets the id of the loop that keeps this side's actor (<see cref="QmpInlineRingLoop"/>); 0 when none does.
    /// Written only by the thread that owns the actor.</summary>
    internal int KeptBy { get; set; }

    /// <summary>Gets or sets the id of the loop that lists this doorbell among those it kept since it started; 0 when none.</summary>
    internal int MarkedBy { get; set; }

    /// <summary>Gets or sets the handler whose actor was kept last; read by the loop that keeps it.</summary>
    internal IQmpInlineRingHandler? KeptHandler { get; set; }

    /// <summary>Keeps <paramref name="handler"/>'s actor, whose side <paramref name="own"/> is, on <paramref name="loop"/> and rings
    /// this doorbell, whose handler runs after the running one (see <see cref="IQmpInlineDoorbell.TryKeepAndRingPeer"/>).</summary>
    public bool TryKeepAndRing(QmpDoorbell own, IQmpInlineRingHandler handler, QmpInlineRingLoop loop) =>
        Volatile.Read(ref _inlineHandler) is not null && loop.TryKeepAndRing(own, handler, this);

    /// <summary>Lets go of everything this thread keeps (see <see cref="IQmpInlineDoorbell.LetKeptGo"/>).</summary>
    public static void LetKeptGo() => s_loop?.LetKeptGo();

    /// <summary>Handles one inline ring on <paramref name="loop"/>: the handler, or the waiter if the handler was taken away meanwhile.</summary>
    internal void Handle(QmpInlineRingLoop loop)
    {
        if (Volatile.Read(ref _inlineHandler) is { } handler)
        {
            handler.OnInlineRing(loop, loop.TakeBack(this));
        }
        else
        {
            WakeWaiter();
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        _registration.Dispose();
        _registration = default;
        if (_core.GetStatus(token) == ValueTaskSourceStatus.Succeeded)
        {
            // Woken by a ring: that ring (and any that came since) is consumed by this wake-up. Its latch would otherwise
            // complete the next wait at once, and one ring would be two wake-ups: an interrupt that never happened.
            Interlocked.Exchange(ref _pending, 0);
        }

        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _parked, 0) == 1)
        {
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
