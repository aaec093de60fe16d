using System.Buffers.Binary;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The actor: one owner of the own mailbox, the state and everything the channel carries. Work is posted as flags; the
/// first poster that finds the actor idle runs its turns until no work is left, and whoever posts meanwhile only leaves
/// a flag. So turns never overlap, nobody ever waits for the actor, and no lock exists.
/// </summary>
public sealed partial class QmpLink
{
    private readonly byte[] _own = new byte[QmpMailboxLayout.MailboxSize];
    private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
    private readonly TaskCompletionSource _closeAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource _channelClosed = CreateCompletedSource();
    // The posted work flags and, in RunningBit, whether someone runs the actor: one word, so taking the actor takes its work
    // in the same compare-exchange, and letting go checks for new work in the same compare-exchange.
    private int _work;

    // Writes of turns whose ring was left to the dispatcher (it rings before a handler call that may wait). Any thread rings.
    private int _unrungWrites;

    // Owned by the actor: touched only inside a turn.
    private QmpDescriptor _ownDescriptor;
    private volatile int _epoch;
    private bool _started;
    private bool _closing;
    private bool _actorStopped;
    private int _connection;
    private QmpSendOperation? _turnCompleted;
    private bool _turnDispatch;
    private bool _turnRing;

    // The ring after these turns runs the peer's actor on this thread: a fragment they write is taken at once (see SetTxWait).
    private bool _runRingsInline;

    /// <summary>The most state machine passes per read of the peer: the longest chain (reset, reopen, connect) takes three.</summary>
    private const int MaxStatePasses = 4;

    /// <summary>What the actor is asked to do; several posts of one kind collapse into one.</summary>
    [Flags]
    private enum Work
    {
        None = 0,
        PeerRang = 1 << 0,
        Timer = 1 << 1,
        Send = 1 << 2,
        SendCancelled = 1 << 3,
        Consumed = 1 << 4,
        Close = 1 << 5,
        Start = 1 << 6,
        Dispose = 1 << 7,
        OwnMailboxCleared = 1 << 8,
        Ring = 1 << 9,
    }

    /// <summary>Set in <see cref="_work"/> while someone runs the actor; never a posted flag.</summary>
    private const int RunningBit = 1 << 30;

    /// <summary>Posts work and runs the actor on this thread if it is idle.</summary>
    /// <param name="work">What to do.</param>
    /// <param name="allowInlineWake">Whether the ring after the turn may run the peer's actor on this thread.</param>
    private void Post(Work work, bool allowInlineWake = true)
    {
        if (TakeOrLeave(work))
        {
            Run(work, allowInlineWake);
        }
    }

    /// <summary>Takes the actor if it is idle (true: run it), or leaves <paramref name="work"/> for its owner (false).</summary>
    private bool TakeOrLeave(Work work)
    {
        // Idle, the word is 0 (the owner lets go only when no flag is left): one compare-exchange takes the actor. Running, one
        // compare-exchange leaves the flag for the owner, who takes it before it lets go.
        int current = Interlocked.CompareExchange(ref _work, RunningBit, 0);
        while (current != 0)
        {
            int seen = Interlocked.CompareExchange(ref _work, current | (int)work, current);
            if (seen == current)
            {
                return false;
            }

            current = seen == 0 ? Interlocked.CompareExchange(ref _work, RunningBit, 0) : seen;
        }

        return true;
    }

    /// <summary>A ring on this thread (the peer's, after its turns): the actor reads the peer's word, handed back if this thread kept it.</summary>
    void IQmpInlineRingHandler.OnInlineRing(QmpInlineRingLoop loop, bool kept)
    {
        var work = Work.PeerRang;
        if (kept)
        {
            // Still the owner since the last turn: the work posted meanwhile joins this turn.
            if (Volatile.Read(ref _work) != RunningBit)
            {
                work |= (Work)(Interlocked.Exchange(ref _work, RunningBit) & ~RunningBit);
            }
        }
        else if (!TakeOrLeave(work))
        {
            return;
        }

        Run(work, allowInlineWake: true, loop);
    }

    /// <summary>The thread that kept the actor lets it go; work posted meanwhile runs now, here or on the thread pool.</summary>
    void IQmpInlineRingHandler.LetGo(QmpInlineRingLoop? runPostedOn)
    {
        if (Interlocked.CompareExchange(ref _work, 0, RunningBit) == RunningBit)
        {
            return;
        }

        // Still the owner, with work to do.
        var work = (Work)(Interlocked.Exchange(ref _work, RunningBit) & ~RunningBit);
        if (runPostedOn is not null)
        {
            Run(work, allowInlineWake: true, runPostedOn);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Link.Run(state.Work, allowInlineWake: true), (Link: this, Work: work), preferLocal: false);
        }
    }

    /// <summary>Runs turns as the owner until no work is left, lets go (or keeps the actor for the peer's answer), then does what
    /// waits for after the turns.</summary>
    /// <param name="work">What to do.</param>
    /// <param name="allowInlineWake">Whether the ring after the turns may run the peer's actor on this thread.</param>
    /// <param name="loop">The loop of inline rings that runs this actor, which may keep it; <see langword="null"/> for any other caller.</param>
    private void Run(Work work, bool allowInlineWake, QmpInlineRingLoop? loop = null)
    {
        QmpSendOperation? completed;
        bool dispatch;
        bool ring;
        _runRingsInline = allowInlineWake && _inlineDoorbell is not null;
        while (true)
        {
            Turn(work);

            // Taken while still the owner: once it lets go, another thread may own the actor and run turns of its own.
            completed = _turnCompleted;
            dispatch = _turnDispatch;
            ring = _turnRing;
            _turnCompleted = null;
            _turnDispatch = false;
            _turnRing = false;

            if (ring && !dispatch && loop is not null && _inlineDoorbell!.TryKeepAndRingPeer(this, loop))
            {
                // The ring runs the peer's actor on this thread after this one, and its answer rings back here: the thread
                // keeps the actor for that ring instead of letting go and taking it again (two interlocked operations less
                // per turn). Work posted meanwhile waits at most for the peer's turn; the thread lets go before it runs
                // anything but turns (see IQmpInlineDoorbell.TryKeepAndRingPeer).
                completed?.Complete();
                return;
            }

            // Let go only if nobody posted meanwhile. The compare-exchange is a full fence: a poster either sees RunningBit and
            // leaves its flag (and this exchange fails), or sees 0 and takes the actor itself; no flag is left without an owner.
            if (Interlocked.CompareExchange(ref _work, 0, RunningBit) == RunningBit)
            {
                break;
            }

            // Still the owner: put back what the next turn adds to, and take the new work.
            _turnCompleted = completed;
            _turnDispatch = dispatch;
            _turnRing = ring;
            work = (Work)(Interlocked.Exchange(ref _work, RunningBit) & ~RunningBit);
        }

        // Outside the turn: the sender's completion, the handler, the doorbell. A message handed to a handler that returns at
        // once gets its rx_done in the same ring as its tx_ack: the ring is left to the dispatcher, which rings before a handler
        // call that may wait, and after the handler's consumed turn has written rx_done.
        completed?.Complete();
        if (dispatch)
        {
            if (ring)
            {
                Volatile.Write(ref _unrungWrites, 1);
            }

            // The handler is user code: no actor may stay kept on this thread while it runs.
            _inlineDoorbell?.LetKeptGo();
            Dispatch();
            RingIfWritten(allowInlineWake);
        }
        else if (ring)
        {
            RingPeer(allowInlineWake);
        }
    }

    /// <summary>Rings the peer once for every write not yet rung for (rings collapse, as interrupts do).</summary>
    /// <remarks>Never inside a turn and never under a lock, so the in-memory window may run the peer's actor on this thread
    /// (<see cref="IQmpInlineDoorbell"/>): the peer reads our write without a thread hop.</remarks>
    private void RingIfWritten(bool allowInlineWake = true)
    {
        if (Volatile.Read(ref _unrungWrites) != 0 && Interlocked.Exchange(ref _unrungWrites, 0) != 0)
        {
            RingPeer(allowInlineWake);
        }
    }

    private void RingPeer(bool allowInlineWake)
    {
        if (_inlineDoorbell is { } inline)
        {
            inline.RingPeerDoorbell(allowInlineWake);
        }
        else
        {
            _mailbox.RingPeerDoorbell();
        }
    }

    private void Turn(Work work)
    {
        if (_actorStopped)
        {
            if ((work & Work.Send) != 0)
            {
                TakePostedSend();
                FailPostedSend();
            }

            return;
        }

        if ((work & Work.Dispose) != 0)
        {
            // A send posted while another thread ran the actor can arrive in the same turn as the dispose: it fails as one
            // posted after the stop does, or its sender would wait for ever (found by the qmp-link fuzz target).
            if ((work & Work.Send) != 0)
            {
                TakePostedSend();
            }

            StopTurn();
            return;
        }

        if ((work & Work.Ring) != 0)
        {
            // Asked to ring again with nothing new to write (a wait ran out; an interrupt can be lost).
            _turnRing = true;
        }

        if ((work & Work.Start) != 0)
        {
            StartTurn();
        }

        if ((work & Work.OwnMailboxCleared) != 0)
        {
            OwnMailboxClearedTurn();
        }

        if ((work & Work.Close) != 0)
        {
            CloseTurn();
        }

        if ((work & Work.Consumed) != 0)
        {
            ConsumedTurn();
        }

        if ((work & Work.Send) != 0)
        {
            TakePostedSend();
        }

        if ((work & Work.SendCancelled) != 0)
        {
            CancelTurn();
        }

        // A timer that finds no wait (one left armed after a consumed message) reads nothing.
        if (_started && ((work & (Work.PeerRang | Work.Consumed)) != 0 || ((work & Work.Timer) != 0 && _txWait != TxWait.None)))
        {
            ProcessPeer();
        }

        if ((work & Work.Timer) != 0)
        {
            QmpLinkState beforeTimer = _state;
            TimerTurn();

            // A timeout that reset the channel changed the state: the peer's word, unchanged, may already answer it (a
            // remote whose ack of our level is already down lets us reopen at once), and the peer, with nothing new to
            // write, would not ring again.
            if (_started && _state != beforeTimer)
            {
                ProcessPeer();
            }
        }

        AdvanceTx();
    }

    private void StartTurn()
    {
        _started = true;
        _state = QmpLinkState.LinkNegotiation;
        if (Role == QmpRole.Local)
        {
            _ownDescriptor = _ownDescriptor.WithLinkState(true);
            WriteOwn();
        }
    }

    /// <summary>
    /// The mailbox found our word overwritten by another writer and cleared it (<see cref="IQmpOwnMailboxWatch"/>): the peer may
    /// have read anything, and our state no longer matches our word. Everything the channel carried ends, and the link starts
    /// over as at its start (the local side raises its link level again; the remote side stays down until the local side's
    /// level is up), so both sides re-negotiate and reopen through their normal paths.
    /// </summary>
    private void OwnMailboxClearedTurn()
    {
        if (!_started || _closing)
        {
            return;
        }

        ResetChannel("another writer overwrote this side's mailbox");
        ProtocolError("this side's own mailbox was overwritten by another writer; the link starts over");
        _ownDescriptor = default(QmpDescriptor).WithLinkState(Role == QmpRole.Local);
        SetState(QmpLinkState.LinkNegotiation);
        WriteOwn();
    }

    private void StopTurn()
    {
        _actorStopped = true;
        if (_started)
        {
            ResetChannel("the link was disposed");
            _ownDescriptor = default;
            _state = QmpLinkState.LinkDisconnected;
            _closeAcknowledged.TrySetResult();
            WriteOwn();
        }

        FailPostedSend();
        _stopped.TrySetResult();
    }

    /// <summary>
    /// Reads the peer's mailbox and runs the state machine until the state settles (as OP-TEE's handler loops until stable):
    /// a transition can make the peer's word, unchanged, call for the next one, and the peer, having nothing new to say,
    /// would not ring again. For example a remote side back in LinkConnected after a channel reset must open at once when
    /// the local side's level is already up; the local side is waiting for it and writes nothing more.
    /// </summary>
    private void ProcessPeer()
    {
        for (int pass = 0; pass < MaxStatePasses; pass++)
        {
            QmpLinkState before = _state;
            ProcessPeerOnce();
            if (_state == before)
            {
                return;
            }
        }
    }

    /// <summary>Reads the peer's mailbox and runs the state machine once.</summary>
    private void ProcessPeerOnce()
    {
        _mailbox.ReadPeer(_peer);
        var peer = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(_peer));
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(_state, Role, _closing, _txAwaitingAck, _rxReady, _ownDescriptor, peer));
        QmpLinkEvents events = next.Events;
        if ((events & QmpLinkEvents.PeerLinkDown) != 0)
        {
            ResetChannel("the peer's link went down");
        }
        else if ((events & QmpLinkEvents.PeerChannelDown) != 0)
        {
            ResetChannel("the peer closed the channel");
        }

        _ownDescriptor = next.Own;
        if ((events & QmpLinkEvents.ChannelConnected) != 0)
        {
            ChannelConnected();
        }
        else
        {
            SetState(next.State);
        }

        if ((events & QmpLinkEvents.LinkUp) != 0)
        {
            _linkUp.TrySetResult();
        }

        bool taken = (events & QmpLinkEvents.FragmentTaken) != 0;
        if (taken)
        {
            _txAwaitingAck = false;
        }

        if ((events & QmpLinkEvents.PeerRxDone) != 0)
        {
            // The RFC driver ignores rem_frag_count and flips rx_done for every fragment it takes; after a non-final
            // fragment that is its normal behaviour, not an error. Only the flip after the last fragment ends the message.
            bool rfcPerFragmentDone = _txInFlight && !_txAwaitingAck && !_txLastFragmentSent;
            if (!MessageConsumed() && !rfcPerFragmentDone)
            {
                ProtocolError("rx_done toggled with no message of ours outstanding");
            }
        }

        if (taken)
        {
            FragmentTaken();
        }

        if ((events & QmpLinkEvents.FragmentArrived) != 0)
        {
            // Acked in the new word at once; the sender so always knows whether its last fragment was taken, and a
            // failure can say truly whether the message may have been delivered.
            TakeFragment(peer);
        }

        if (next.Write)
        {
            WriteOwn();
        }
    }

    private void ChannelConnected()
    {
        SetState(QmpLinkState.ChannelConnected);
        _channelClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channelOpen.TrySetResult();
        _connection++;
        Volatile.Write(ref _connectionWord, (_connection << 1) | 1);
        _turnDispatch = true;
    }

    /// <summary>Ends everything the channel carried: a send in flight fails, a partial message is dropped, the handler hears of it.</summary>
    private void ResetChannel(string reason)
    {
        bool wasConnected = _state == QmpLinkState.ChannelConnected;
        _epoch++;
        FailSend(reason);
        if (_rxExpectedRemaining >= 0)
        {
            Log.PartialDropped(_logger, _rxLength, reason);
        }

        // A whole message already handed to the dispatcher keeps its buffer (and holds new fragments back) until the
        // dispatcher reports it handled or dropped.
        _rxExpectedRemaining = -1;
        _rxLength = 0;
        _rxDiscarding = false;
        if (_channelOpen.Task.IsCompleted)
        {
            _channelOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (wasConnected)
        {
            _channelClosed.TrySetResult();
            Log.ChannelClosed(_logger, Role, reason);
            Volatile.Write(ref _connectionWord, _connection << 1);
            _turnDispatch = true;
        }
    }

    private void SetState(QmpLinkState state)
    {
        QmpLinkState current = _state;
        if (current != state)
        {
            Log.StateChanged(_logger, Role, current, state);
            _instrumentation.StateChanged(current, state);
            if (_closing && current == QmpLinkState.LocalDisconnecting)
            {
                _closeAcknowledged.TrySetResult();
            }

            _state = state;
        }
    }

    private void WriteOwn()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_own, _ownDescriptor.Value);

        // Traced before the write: the peer can read the word as soon as it is written (it may be polling or handling an
        // earlier ring), so tracing after it could record the peer's answer first. Only the actor writes, so the order
        // holds without a lock.
        if (_trace is { } trace)
        {
            // User code: an actor this thread keeps must not wait for it (the trace may stall, or wait for that actor).
            _inlineDoorbell?.LetKeptGo();
            trace(new QmpMailboxWrite(_time.GetUtcNow(), Role, _mailbox.OwnOffset, (byte[])_own.Clone()));
        }
        _mailbox.WriteOwn(_own);
        _turnRing = true;
    }

    private void ProtocolError(string what)
    {
        Interlocked.Increment(ref _protocolErrors);
        _instrumentation.ProtocolError();
        Log.ProtocolError(_logger, Role, what);
    }

    private static TaskCompletionSource CreateCompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
