namespace Tmel.Transport.Qmp.Tests.Mailbox;

/// <summary>
/// The in-memory window's inline rings (<see cref="IQmpInlineDoorbell"/>): a ring that allows it calls the ringed side's
/// handler on the ringer's thread instead of waking its waiter; a ring made inside a handler runs after that handler
/// returned (the per-thread trampoline), so two sides answering each other never nest; every other ring wakes the waiter.
/// </summary>
public class QmpInlineDoorbellTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Ring_AllowedWithAHandler_TheHandlerRunsInsideTheRing_TheWaiterIsNotWoken()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        int handledOn = 0;
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(() => handledOn = Environment.CurrentManagedThreadId);
        ValueTask wait = remote.WaitForDoorbellAsync(Ct);

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(Environment.CurrentManagedThreadId, handledOn);
        Assert.False(wait.IsCompleted);
    }

    [Theory]
    [InlineData("ring not allowed")]
    [InlineData("public ring")]
    [InlineData("handler removed")]
    public async Task Ring_NotHandledInline_WakesTheWaiter_TheHandlerIsNotCalled(string how)
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        int calls = 0;
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(() => calls++);
        if (how == "handler removed")
        {
            ((IQmpInlineDoorbell)remote).SetInlineRingHandler(null);
        }

        ValueTask wait = remote.WaitForDoorbellAsync(Ct);

        switch (how)
        {
            case "ring not allowed":
                ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: false);
                break;
            case "public ring":
                local.RingPeerDoorbell();
                break;
            default:
                ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);
                break;
        }

        await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Ring_TwoSidesAnsweringEachOther_TakeTurnsWithoutNesting_OnTheRingersThread()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        const int Rounds = 100_000;
        int remaining = Rounds;
        int depth = 0;
        int deepest = 0;
        int thread = Environment.CurrentManagedThreadId;
        bool otherThread = false;
        void Answer(IQmpInlineDoorbell self)
        {
            deepest = Math.Max(deepest, ++depth);
            otherThread |= Environment.CurrentManagedThreadId != thread;
            if (--remaining > 0)
            {
                self.RingPeerDoorbell(allowInlineWake: true);
            }

            depth--;
        }

        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(() => Answer(remote));
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(() => Answer(local));

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(0, remaining);
        Assert.Equal(1, deepest);
        Assert.False(otherThread);
    }

    [Fact]
    public void Ring_SeveralRingsOfOneDoorbellWhileAHandlerRuns_CollapseIntoOneCall()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        int localCalls = 0;
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(() => localCalls++);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
            }

            Assert.Equal(0, localCalls);
        });

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(1, localCalls);
    }

    [Fact]
    public async Task Ring_HandlerThrowsWithRingsWaiting_TheirWaitersAreWoken_NoRingIsLost()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        int localCalls = 0;
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(() => localCalls++);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(() =>
        {
            ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
            throw new InvalidOperationException("handler failed");
        });
        ValueTask localWait = local.WaitForDoorbellAsync(Ct);

        Assert.Throws<InvalidOperationException>(() => ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true));

        await localWait.AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, localCalls);

        // The trampoline is free again: the next ring is handled inline.
        ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
        Assert.Equal(1, localCalls);
    }
}
