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
/// <para>A woken waiter resumes on the thread pool, unless the waiter said its continuation is safe to run anywhere
/// (<see cref="WaitAsync(bool, CancellationToken)"/>) and the ringer allowed it (<see cref="Ring(bool)"/>): then it
/// resumes inline, on the ringer's thread, as a <c>Channel</c> does when its owner allows synchronous continuations.
/// The QMP link's doorbell watch is such a waiter, and its actor rings outside any lock.</para>
/// </remarks>
internal sealed class QmpDoorbell : IValueTaskSource
{
    private readonly int _spinCount;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private int _pending;
    private int _parked;
    private volatile bool _waiterRunsInline;

    public QmpDoorbell(int spinCount) => _spinCount = spinCount;

    public void Ring() => Ring(allowInlineWake: false);

    /// <summary>Rings; a parked waiter that allows it resumes on this thread when <paramref name="allowInlineWake"/> is set.</summary>
    public void Ring(bool allowInlineWake)
    {
        Interlocked.Exchange(ref _pending, 1);
        if (Interlocked.Exchange(ref _parked, 0) == 1)
        {
            // Only the ringer that un-parked the waiter touches the core until the waiter waits again.
            _core.RunContinuationsAsynchronously = !(allowInlineWake && _waiterRunsInline);
            _core.SetResult(true);
        }
    }

    public ValueTask WaitAsync(CancellationToken cancellationToken) => WaitAsync(inlineWakeSafe: false, cancellationToken);

    /// <summary>Waits for a ring; with <paramref name="inlineWakeSafe"/> the continuation may run on the ringer's thread.</summary>
    public ValueTask WaitAsync(bool inlineWakeSafe, CancellationToken cancellationToken)
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
        _waiterRunsInline = inlineWakeSafe;
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
            _core.RunContinuationsAsynchronously = true;
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
