namespace Tmel.Transport.Qmp.Tests.Mailbox;

/// <summary>
/// The in-memory window's inline wake (<see cref="IQmpInlineDoorbell"/>): a waiter that allows it resumes on the ringer's
/// thread, inside the ring, when the ringer allows it too; otherwise it resumes elsewhere, as before.
/// </summary>
public class QmpInlineDoorbellTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Ring_BothAllow_TheWaiterResumesInsideTheRing_OnTheRingersThread()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var woken = new WakeRecorder();
        woken.Watch(((IQmpInlineDoorbell)remote).WaitForDoorbellAsync(inlineWakeSafe: true, Ct));

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(Environment.CurrentManagedThreadId, woken.Thread);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Ring_EitherSideDoesNotAllow_TheWaiterResumesOffTheRingersThread(bool waiterAllows, bool ringerAllows)
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var woken = new WakeRecorder();
        woken.Watch(((IQmpInlineDoorbell)remote).WaitForDoorbellAsync(waiterAllows, Ct));

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(ringerAllows);
        int ringer = Environment.CurrentManagedThreadId;
        bool resumedInsideTheRing = woken.Thread == ringer;

        await woken.Done.Task.WaitAsync(Ct);
        Assert.False(resumedInsideTheRing);
    }

    [Fact]
    public async Task PublicRing_NeverWakesInline_EvenAWaiterThatAllowsIt()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var woken = new WakeRecorder();
        woken.Watch(((IQmpInlineDoorbell)remote).WaitForDoorbellAsync(inlineWakeSafe: true, Ct));

        local.RingPeerDoorbell();
        bool resumedInsideTheRing = woken.Thread == Environment.CurrentManagedThreadId;

        await woken.Done.Task.WaitAsync(Ct);
        Assert.False(resumedInsideTheRing);
    }

    /// <summary>Records the thread a doorbell wait resumed on.</summary>
    private sealed class WakeRecorder
    {
        private int _thread;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Thread => Volatile.Read(ref _thread);

        public void Watch(ValueTask wait)
        {
            Assert.False(wait.IsCompleted);
            System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter awaiter = wait.ConfigureAwait(false).GetAwaiter();
            awaiter.UnsafeOnCompleted(() =>
            {
                awaiter.GetResult();
                Volatile.Write(ref _thread, Environment.CurrentManagedThreadId);
                Done.TrySetResult();
            });
        }
    }
}
