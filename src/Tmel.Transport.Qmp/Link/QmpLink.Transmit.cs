using System.Buffers.Binary;
using System.Diagnostics;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The actor's transmit side: it writes every fragment of the posted message as soon as the peer took the one before,
/// without waking the sender, and completes the send on rx_done or with the typed failure. One timer bounds every wait:
/// armed for each fragment (and re-armed when it is taken, for the next fragment or for rx_done), disarmed when the send ends.
/// </summary>
public sealed partial class QmpLink
{
    private readonly ITimer _txTimer;

    // Owned by the actor.
    private QmpSendOperation? _txOp;
    private bool _txStarted;
    private int _txNext;
    private int _txCount;
    private bool _txInFlight;
    private bool _txAwaitingAck;
    private bool _txLastFragmentSent;
    private TxWait _txWait;
    private int _txAttempt;
    private long _txPeriodStart;

    // The last reading of the clock, and the fragment timeout in timestamp ticks (recomputed only when the setting changes).
    private long _txLastReading;
    private TimeSpan _fragmentTicksFor = TimeSpan.MinValue;
    private long _fragmentTicks;

    // The fragment in the mailbox was written without reading the clock (handed over by an inline ring, see SetTxWait): its
    // period starts when the timer first finds it waiting.
    private bool _txStartDeferred;

    // When the armed timer fires (a timestamp), or 0 when it is not armed. Only the actor arms the timer.
    private long _txTimerDue;

    /// <summary>What the transmit timer is armed for.</summary>
    private enum TxWait
    {
        None,
        Fragment,
        Consume,
    }

    /// <summary>The slot holder posted the link's send operation: it starts once an abandoned message has settled.</summary>
    private void TakePostedSend()
    {
        QmpSendOperation op = _sendOperation;
        _txOp = op;
        _txStarted = false;
        _txNext = 0;
        _txCount = Math.Max(1, (op.Message.Length + QmpMailboxLayout.MaxFragmentSize - 1) / QmpMailboxLayout.MaxFragmentSize);
    }

    /// <summary>After the link stopped, a posted send fails at once.</summary>
    private void FailPostedSend()
    {
        if (_txOp is { } op && !_txStarted)
        {
            _txOp = null;
            Complete(op, new RpmsgException(RpmsgError.LinkDown, $"The QMP channel is not open ({_state}); the message was not sent."));
        }
    }

    /// <summary>The sender's token was cancelled: its send completes now; a fragment it left in the mailbox is settled before the next message.</summary>
    private void CancelTurn()
    {
        if (_txOp is not { } op || !op.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        _txOp = null;
        _txStarted = false;

        // Whether the cancelled send's timer still runs is of no use: the next send starts a fresh period for the settling.
        SetTxWait(TxWait.None);
        Complete(op, new OperationCanceledException(op.CancellationToken));
    }

    /// <summary>Moves the posted message on: settle what an abandoned message left, start it, or write its next fragment.</summary>
    private void AdvanceTx()
    {
        if (_txOp is not { } op)
        {
            return;
        }

        if (op.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the actor heard of it (the token may fire while the send is being posted).
            CancelTurn();
            return;
        }

        if (!_txStarted)
        {
            if (_txInFlight)
            {
                // A cancelled send may leave a fragment untaken or a message unconsumed. This message waits for that to
                // settle (or for the channel to reset) under the same timeouts, so a late tx_ack or rx_done is never
                // credited to the wrong message.
                if (_txAwaitingAck)
                {
                    if (_txWait != TxWait.Fragment)
                    {
                        SetTxWait(TxWait.Fragment);
                    }

                    return;
                }

                if (_txLastFragmentSent)
                {
                    if (_txWait != TxWait.Consume)
                    {
                        SetTxWait(TxWait.Consume);
                    }

                    return;
                }

                // Abandoned between fragments: our next first fragment makes the peer drop its partial.
                _txInFlight = false;
            }

            if (_state != QmpLinkState.ChannelConnected)
            {
                _txOp = null;
                SetTxWait(TxWait.None);
                Complete(op, new RpmsgException(RpmsgError.LinkDown, $"The QMP channel is not open ({_state}); the message was not sent."));
                return;
            }

            _txStarted = true;
            WriteFragment(op, 0);
            return;
        }

        if (_txInFlight && !_txAwaitingAck && !_txLastFragmentSent)
        {
            WriteFragment(op, _txNext);
        }
    }

    private void WriteFragment(QmpSendOperation op, int index)
    {
        ReadOnlySpan<byte> message = op.Message.Span;
        int offset = index * QmpMailboxLayout.MaxFragmentSize;
        int size = Math.Min(QmpMailboxLayout.MaxFragmentSize, message.Length - offset);
        int remaining = _txCount - 1 - index;
        Span<byte> payload = _own.AsSpan(QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MaxFragmentSize);
        if (size == QmpMailboxLayout.MaxFragmentSize)
        {
            // Every fragment but a message's last: a copy of constant length (two vector moves, not a call), nothing to clear.
            message.Slice(offset, QmpMailboxLayout.MaxFragmentSize).CopyTo(payload);
        }
        else
        {
            payload.Clear();
            message.Slice(offset, size).CopyTo(payload);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(_own.AsSpan(QmpMailboxLayout.ReservedOffset), index == 0 ? op.ReservedWord : ContinuationMarker);
        if (index == 0)
        {
            // Beside the window, never in it: the receiver takes it after the last fragment.
            _sideband?.PostSenderContext(op.SenderContext);
        }

        _ownDescriptor = _ownDescriptor.WithTx(!_ownDescriptor.Tx).WithFragment((byte)size, (byte)remaining);
        _txInFlight = true;
        _txAwaitingAck = true;
        _txLastFragmentSent = remaining == 0;
        _txNext = index + 1;
        WriteOwn();
        _instrumentation.FragmentSent();
        SetTxWait(TxWait.Fragment);
    }

    /// <summary>The peer copied our tx into its tx_ack (after any rx_done of the same pass was handled).</summary>
    private void FragmentTaken()
    {
        if (!_txInFlight)
        {
            // Consumed in the same pass.
            return;
        }

        if (_txLastFragmentSent)
        {
            // Now the wait for rx_done, within ConsumeTimeout; nobody waits while no send is posted.
            SetTxWait(_txOp is null ? TxWait.None : TxWait.Consume);
        }
        else if (!_txStarted || _txOp is null)
        {
            // An abandoned message's fragment was taken between fragments: settled.
            SetTxWait(TxWait.None);
        }

        // Otherwise AdvanceTx writes the next fragment at the end of this turn, which re-arms the timer.
    }

    /// <summary>The peer flipped rx_done; false when no message of ours was waiting for it.</summary>
    private bool MessageConsumed()
    {
        if (!_txInFlight || _txAwaitingAck || !_txLastFragmentSent)
        {
            return false;
        }

        _txInFlight = false;
        _txLastFragmentSent = false;

        // The timer stays armed for the next message's first fragment; if none comes, it fires once and finds nothing to do.
        SetTxWait(TxWait.None, keepArmed: true);
        if (_txStarted && _txOp is { } op)
        {
            _txOp = null;
            _txStarted = false;
            Complete(op, null);
        }

        return true;
    }

    private void FailSend(string reason)
    {
        if (!_txInFlight)
        {
            return;
        }

        // Once the last fragment is in the mailbox the outcome is unknown: the peer may have taken and be consuming it,
        // and a peer that resets overwrites the ack that would have told us. A message whose last fragment was never
        // written cannot be delivered: every receiver drops an incomplete message when the channel resets.
        bool outcomeUnknown = _txLastFragmentSent;
        _txInFlight = false;
        _txAwaitingAck = false;
        _txLastFragmentSent = false;
        SetTxWait(TxWait.None);
        if (_txStarted && _txOp is { } op)
        {
            _txOp = null;
            _txStarted = false;
            string text = outcomeUnknown
                ? $"The QMP channel closed ({reason}) after the message's last fragment was written but before the peer confirmed consuming it; it may have been delivered."
                : $"The QMP channel closed ({reason}) before the message's last fragment was written; the message was not delivered.";
            Complete(op, new RpmsgException(RpmsgError.LinkDown, text));
        }
    }

    /// <summary>
    /// The timer fired (the peer's word was read again in the same turn). The clock decides, so a late tick of an earlier
    /// period cannot cut this one short. A fragment not taken after one <see cref="QmpTransportOptions.FragmentTimeout"/> gets the
    /// doorbell rung again (an interrupt can be lost); after a second the peer is unresponsive: the channel is reset through a
    /// handshake the peer must acknowledge, so the untaken fragment can never be consumed later. A message not consumed
    /// within <see cref="QmpTransportOptions.ConsumeTimeout"/> resets the channel the same way, so its late rx_done can never be
    /// credited to the next message.
    /// </summary>
    private void TimerTurn()
    {
        // The timer fired: it is not armed any more, whatever it was armed for.
        _txTimerDue = 0;
        if (_txWait == TxWait.None)
        {
            return;
        }

        // One reading of the clock decides. With two (one for "is it over?", one for "how much is left?") a timer that fired
        // a little early could see the period not over and then nothing left: the timer was not armed again, and the send
        // waited for ever (the every-kind soak's stalled link, docs/reliability.md).
        TimeSpan period = _txWait == TxWait.Fragment ? _options.FragmentTimeout : _options.ConsumeTimeout;
        long now = _time.GetTimestamp();
        _txLastReading = now;
        if (_txStartDeferred)
        {
            // A fragment handed to the peer's actor by an inline ring was not timed when written; it still waits, so its
            // period starts now: it is rung again and reset at most one period later than if timed from its write.
            _txStartDeferred = false;
            _txPeriodStart = now;
            ArmTxTimer(now, period);
            return;
        }

        TimeSpan remaining = period - _time.GetElapsedTime(_txPeriodStart, now);
        if (remaining <= TimeSpan.Zero && _txWait == TxWait.Fragment && _txInFlight && _txAwaitingAck)
        {
            FragmentTimedOut();
        }
        else if (remaining <= TimeSpan.Zero && _txWait == TxWait.Consume && _txInFlight && !_txAwaitingAck && _txLastFragmentSent)
        {
            ConsumeTimedOut();
        }
        else
        {
            // A system timer can fire a little before the clock says its period is over (a coarse tick): wait out the rest.
            // A wait is never left without its timer; one whose period is over but whose condition no longer holds is checked
            // again a period later rather than forgotten.
            ArmTxTimer(now, remaining > TimeSpan.Zero ? remaining : period);
        }
    }

    private void FragmentTimedOut()
    {
        int attempt = _txAttempt;
        _turnRing = true;
        if (attempt < 2)
        {
            _instrumentation.TxTimedOut(attempt, final: false);
            Log.DoorbellRepeated(_logger, Role);
            SetTxWait(TxWait.Fragment, attempt + 1);
            return;
        }

        QmpSendOperation? op = DetachStartedSend();
        ResetForUnresponsivePeer($"a fragment was not taken within {attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms");
        _instrumentation.TxTimedOut(attempt, final: true);
        Log.FragmentTimedOut(_logger, Role, attempt);
        SetTxWait(TxWait.None);
        if (op is not null)
        {
            Complete(op, new RpmsgTimeoutException(
                _options.FragmentTimeout * attempt,
                $"The peer did not take a fragment within {attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms, though the doorbell was rung again; the channel was reset and the message was not delivered."));
        }
    }

    private void ConsumeTimedOut()
    {
        QmpSendOperation? op = DetachStartedSend();
        if (_state == QmpLinkState.ChannelConnected)
        {
            ResetForUnresponsivePeer($"the peer did not confirm consuming a message within {_options.ConsumeTimeout.TotalMilliseconds:0} ms");
        }
        else
        {
            // Every reset fails the send in flight, so this is not expected; the message is given up all the same.
            _txInFlight = false;
            _txLastFragmentSent = false;
        }

        _turnRing = true;
        Log.ConsumeTimedOut(_logger, Role, _options.ConsumeTimeout.TotalMilliseconds);
        SetTxWait(TxWait.None);
        if (op is not null)
        {
            Complete(op, new QmpLinkException(
                _state,
                QmpLinkFailure.ConsumeTimeout,
                $"The peer took the message but did not confirm consuming it within {_options.ConsumeTimeout.TotalMilliseconds:0} ms; the channel was reset. The message may have been delivered.",
                mayHaveBeenDelivered: true));
        }
    }

    /// <summary>Takes the started send out of the actor's hands, so a reset does not fail it with the generic link-down error.</summary>
    private QmpSendOperation? DetachStartedSend()
    {
        if (!_txStarted || _txOp is not { } op)
        {
            return null;
        }

        _txOp = null;
        _txStarted = false;
        return op;
    }

    /// <summary>Resets the channel because the peer stopped answering: ch_state and its ack cleared, the peer must acknowledge before it reopens.</summary>
    private void ResetForUnresponsivePeer(string reason)
    {
        if (_state != QmpLinkState.ChannelConnected)
        {
            // Already reset (link or channel down); the send in flight has failed with it.
            return;
        }

        ResetChannel(reason);
        _ownDescriptor = _ownDescriptor.WithChannelState(false).WithChannelStateAck(false);
        SetState(QmpLinkState.LocalDisconnecting);
        WriteOwn();
    }

    /// <summary>Arms the one transmit timer for the wait now starting (a new period), or disarms it.</summary>
    /// <remarks>A fragment (the next of the message in flight, or the first after a message was consumed) keeps the timer as it
    /// is when it is armed to fire no later than the fragment's own deadline: it then fires a little early and
    /// <see cref="TimerTurn"/> arms it for the rest. So a stream of fragments or of short messages re-arms the timer about once
    /// per <see cref="QmpTransportOptions.FragmentTimeout"/> instead of up to three times per message. Such a fragment is
    /// bounded from its own write, except one handed over by an inline ring, which is bounded from when the timer first finds
    /// it waiting (at most one period later). A consumed message leaves the timer armed (<paramref name="keepArmed"/>); every
    /// other end of a send disarms it.</remarks>
    private void SetTxWait(TxWait wait, int attempt = 1, bool keepArmed = false)
    {
        _txStartDeferred = false;
        if (wait == TxWait.None)
        {
            if (_txWait != TxWait.None)
            {
                _txWait = TxWait.None;
                if (!keepArmed)
                {
                    _txTimerDue = 0;
                    _txTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }

            return;
        }

        bool nextFragment = wait == TxWait.Fragment && (_txWait is TxWait.Fragment or TxWait.None) && attempt == 1;
        if (nextFragment && _runRingsInline && KeptTimerFiresWithinAFragmentPeriodOf(_txLastReading))
        {
            // A fragment handed over by an inline ring: the peer's actor takes it on this thread as soon as the turn ends. The
            // clock is not read (a quarter of a fragment's cost); the kept timer, due within one fragment period of the last
            // reading, so of now, times it from when it first finds it waiting (TimerTurn): at most one period late.
            _txWait = TxWait.Fragment;
            _txAttempt = 1;
            _txStartDeferred = true;
            return;
        }

        TimeSpan period = wait == TxWait.Fragment ? _options.FragmentTimeout : _options.ConsumeTimeout;
        long now = _time.GetTimestamp();
        _txLastReading = now;
        _txWait = wait;
        _txAttempt = attempt;
        _txPeriodStart = now;
        if (nextFragment && KeptTimerFiresWithinAFragmentPeriodOf(now))
        {
            return;
        }

        ArmTxTimer(now, period);
    }

    private void ArmTxTimer(long now, TimeSpan delay)
    {
        _txTimerDue = now + ToTimestampTicks(delay);
        _txTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the timer is armed to fire no later than one <see cref="QmpTransportOptions.FragmentTimeout"/> after
    /// <paramref name="reading"/> (a clock reading not later than now).</summary>
    private bool KeptTimerFiresWithinAFragmentPeriodOf(long reading) => _txTimerDue != 0 && _txTimerDue - reading <= FragmentTicks();

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private long FragmentTicks()
    {
        TimeSpan period = _options.FragmentTimeout;
        if (period != _fragmentTicksFor)
        {
            _fragmentTicks = ToTimestampTicks(period);
            _fragmentTicksFor = period;
        }

        return _fragmentTicks;
    }

    /// <summary>Records the outcome of a send; the operation is completed after the turn, outside it.</summary>
    private void Complete(QmpSendOperation op, Exception? error)
    {
        Debug.Assert(_turnCompleted is null, "One send completes per run of the actor.");
        op.Error = error;
        _turnCompleted = op;
    }
}
