using Tmel.Transport.Qmp.Tests.Support;

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
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(new ActionRingHandler(() => handledOn = Environment.CurrentManagedThreadId));
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
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(new ActionRingHandler(() => calls++));
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

        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(new ActionRingHandler(() => Answer(remote)));
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(new ActionRingHandler(() => Answer(local)));

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
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(new ActionRingHandler(() => localCalls++));
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(new ActionRingHandler(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
            }

            Assert.Equal(0, localCalls);
        }));

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(1, localCalls);
    }

    [Fact]
    public async Task Ring_HandlerThrowsWithRingsWaiting_TheirWaitersAreWoken_NoRingIsLost()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        int localCalls = 0;
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(new ActionRingHandler(() => localCalls++));
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(new ActionRingHandler(() =>
        {
            ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
            throw new InvalidOperationException("handler failed");
        }));
        ValueTask localWait = local.WaitForDoorbellAsync(Ct);

        Assert.Throws<InvalidOperationException>(() => ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true));

        await localWait.AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, localCalls);

        // The trampoline is free again: the next ring is handled inline.
        ((IQmpInlineDoorbell)remote).RingPeerDoorbell(allowInlineWake: true);
        Assert.Equal(1, localCalls);
    }

    [Fact]
    public void TryKeepAndRingPeer_TheKeptActorIsHandedBackWithItsNextRing_AndLetGoOnTheLoopWhenNoRingIsLeft()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var calls = new List<string>();
        var localSide = new KeepingHandler("local", local, calls, keepTimes: 2);
        var remoteSide = new KeepingHandler("remote", remote, calls, keepTimes: 1);
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(localSide);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(remoteSide);

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        // remote keeps and rings; local keeps and rings; remote gets its actor back and stops; local was kept and is let go on
        // the loop (so posted work may run there and keep it again).
        Assert.Equal(
            ["remote ring kept=False", "local ring kept=False", "remote ring kept=True", "local let go on the loop"],
            calls);
    }

    [Fact]
    public void TryKeepAndRingPeer_PeerWithoutAHandler_KeepsNothing_RingsNothing()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var calls = new List<string>();
        var remoteSide = new KeepingHandler("remote", remote, calls, keepTimes: 1);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(remoteSide);
        ValueTask localWait = local.WaitForDoorbellAsync(Ct);

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(["remote ring kept=False", "remote kept: False"], calls);
        Assert.False(localWait.IsCompleted);
    }

    [Fact]
    public void LetKeptGo_WhileAHandlerRuns_LetsEveryKeptActorGoWithItsPostedWorkForTheThreadPool()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var calls = new List<string>();
        var localSide = new KeepingHandler("local", local, calls, keepTimes: 0, onRing: () =>
        {
            ((IQmpInlineDoorbell)local).LetKeptGo();
            calls.Add("local let kept go");
        });
        var remoteSide = new KeepingHandler("remote", remote, calls, keepTimes: 1);
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(localSide);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(remoteSide);

        ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true);

        Assert.Equal(["remote ring kept=False", "local ring kept=False", "remote let go for the pool", "local let kept go"], calls);
    }

    [Fact]
    public void Ring_HandlerThrowsWhileAnActorIsKept_TheKeptActorIsLetGoForTheThreadPool()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var calls = new List<string>();
        var localSide = new KeepingHandler("local", local, calls, keepTimes: 0, onRing: () => throw new InvalidOperationException("handler failed"));
        var remoteSide = new KeepingHandler("remote", remote, calls, keepTimes: 1);
        ((IQmpInlineDoorbell)local).SetInlineRingHandler(localSide);
        ((IQmpInlineDoorbell)remote).SetInlineRingHandler(remoteSide);

        Assert.Throws<InvalidOperationException>(() => ((IQmpInlineDoorbell)local).RingPeerDoorbell(allowInlineWake: true));

        Assert.Equal(["remote ring kept=False", "local ring kept=False", "remote let go for the pool"], calls);
    }

    [Fact]
    public void TryKeepAndRing_ADoorbellMarkedByAnotherLoopMeanwhile_IsListedAgain_TheListStaysBounded_AndNothingIsLetGoTwice()
    {
        var loop = new QmpInlineRingLoop();
        var own = new QmpDoorbell(spinCount: 0);
        var peer = new QmpDoorbell(spinCount: 0);
        int keeps = 40;
        int handedBack = 0;
        int largestList = 0;
        var calls = new List<string>();
        ActionKeeper? ownSide = null;
        ownSide = new ActionKeeper(kept =>
        {
            handedBack += kept ? 1 : 0;
            largestList = Math.Max(largestList, loop.MarkedCount);
            if (keeps-- > 0)
            {
                own.MarkedBy = int.MaxValue; // as if another loop had kept this side since: this loop lists it again
                Assert.True(loop.TryKeepAndRing(own, ownSide!, peer));
            }
        }, calls);
        own.SetInlineHandler(ownSide);
        peer.SetInlineHandler(new ActionRingHandler(() => loop.Ring(own)));

        loop.Ring(own);

        Assert.Equal(40, handedBack);
        Assert.InRange(largestList, 1, 16);
        Assert.Empty(calls);
        Assert.Equal(0, loop.MarkedCount);
        Assert.Equal(0, own.KeptBy);
    }

    /// <summary>Runs an action per ring with whether the actor was handed back; records any let-go.</summary>
    private sealed class ActionKeeper(Action<bool> onRing, List<string> calls) : IQmpInlineRingHandler
    {
        public void OnInlineRing(QmpInlineRingLoop loop, bool kept) => onRing(kept);

        public void LetGo(QmpInlineRingLoop? runPostedOn) => calls.Add("let go");
    }

    /// <summary>Records its rings; keeps its actor and rings the peer for its first <c>keepTimes</c> rings.</summary>
    private sealed class KeepingHandler(string name, QmpInMemoryMailbox mailbox, List<string> calls, int keepTimes, Action? onRing = null) : IQmpInlineRingHandler
    {
        private int _keepsLeft = keepTimes;

        public void OnInlineRing(QmpInlineRingLoop loop, bool kept)
        {
            calls.Add($"{name} ring kept={kept}");
            onRing?.Invoke();
            if (_keepsLeft-- > 0)
            {
                bool keeping = ((IQmpInlineDoorbell)mailbox).TryKeepAndRingPeer(this, loop);
                if (!keeping)
                {
                    calls.Add($"{name} kept: {keeping}");
                }
            }
        }

        public void LetGo(QmpInlineRingLoop? runPostedOn) => calls.Add($"{name} let go {(runPostedOn is null ? "for the pool" : "on the loop")}");
    }
}
