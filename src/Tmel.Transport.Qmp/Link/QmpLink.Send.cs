using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

public sealed partial class QmpLink
{
    private readonly SemaphoreSlim _txGate = new(1, 1);

    // The sender's wake-up: rung when a fragment is taken, a message consumed, the send failed, or the fragment timer
    // fired. It only wakes; the sender reads the outcome from the fields below under the lock. Neither side allocates.
    private readonly QmpDoorbell _txWake = new(spinCount: 0);
    private readonly ITimer _txTimer;
    private bool _txInFlight;
    private bool _txAwaitingAck;
    private bool _txLastFragmentSent;
    private RpmsgException? _txFailure;

    /// <summary>Gets how long a sent message may wait for the peer's rx_done.</summary>
    internal TimeSpan ConsumeTimeout => _options.ConsumeTimeout;

    /// <summary>Sends one message in fragments of up to 24 bytes and waits until the peer consumed it (flipped rx_done).</summary>
    /// <param name="message">At most 6144 bytes; must stay unchanged until the task completes.</param>
    /// <param name="reservedWord">The reserved word of the first fragment (the rpmsg addresses); never <see cref="ContinuationMarker"/>.</param>
    /// <param name="cancellationToken">Ends the wait. A message cancelled before its last fragment was taken is dropped by the
    /// peer as a partial; one cancelled later may still be consumed.</param>
    /// <returns>A task that completes when the peer consumed the message: it was delivered exactly once.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is over 6144 bytes.</exception>
    /// <exception cref="ArgumentException">The reserved word is the continuation marker.</exception>
    /// <exception cref="RpmsgException">The channel is not open, or closed before the peer consumed the message (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">The peer took no fragment within two fragment timeouts; the channel was reset.</exception>
    /// <exception cref="QmpLinkException">The peer took the last fragment but did not flip rx_done within <see cref="QmpLinkOptions.ConsumeTimeout"/>
    /// (<see cref="QmpLinkFailure.ConsumeTimeout"/>); the channel was reset and the message may have been delivered.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <remarks>Sends are serialised: one message is in flight at a time. A send allocates nothing in steady state.</remarks>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken = default) =>
        SendAsync(message, reservedWord, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Sends one message, waiting at most <paramref name="roomTimeout"/> for an earlier send to finish first.</summary>
    /// <exception cref="RpmsgTimeoutException">Another send held the link for longer than <paramref name="roomTimeout"/>.</exception>
    internal ValueTask SendAsync(ReadOnlyMemory<byte> message, uint reservedWord, TimeSpan roomTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, QmpMailboxLayout.MaxMessageSize, nameof(message));
        if (reservedWord == ContinuationMarker)
        {
            throw new ArgumentException("0xFFFFFFFF marks continuation fragments and cannot start a message.", nameof(reservedWord));
        }

        return TryEnterSend()
            ? SendEnteredAsync(message, reservedWord, cancellationToken)
            : WaitForRoomThenSendAsync(message, reservedWord, roomTimeout, cancellationToken);
    }

    /// <summary>Takes the link's one send slot if it is free; the caller must then call <see cref="SendEnteredAsync"/>.</summary>
    internal bool TryEnterSend() => _txGate.Wait(0, CancellationToken.None);

    /// <summary>Sends one message while holding the send slot, and gives the slot back when done (whatever the outcome).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask SendEnteredAsync(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken)
    {
        try
        {
            if (NeedsSettling())
            {
                await SettlePreviousSendAsync(cancellationToken).ConfigureAwait(false);
            }

            int count = Math.Max(1, (message.Length + QmpMailboxLayout.MaxFragmentSize - 1) / QmpMailboxLayout.MaxFragmentSize);
            for (int i = 0; i < count; i++)
            {
                WriteFragment(message, reservedWord, i, count);
                _mailbox.RingPeerDoorbell();

                // Wait for tx_ack; the waits are inlined here rather than nested methods so a send rents one pooled box.
                var wait = new FragmentWait(_time.GetTimestamp());
                ArmFragmentTimer();
                while (!FragmentTakenOrTimedOut(ref wait))
                {
                    await _txWake.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                ThrowIfSendFailed();
            }

            // The last fragment was taken: wait for rx_done, within ConsumeTimeout (the fragment timer is re-armed for it).
            long consumeStarted = _time.GetTimestamp();
            ArmTxTimer(_options.ConsumeTimeout);
            while (IsSendInFlight())
            {
                if (_time.GetElapsedTime(consumeStarted) >= _options.ConsumeTimeout && ResetForUnconsumed())
                {
                    throw new QmpLinkException(
                        State,
                        QmpLinkFailure.ConsumeTimeout,
                        $"The peer took the message but did not confirm consuming it within {_options.ConsumeTimeout.TotalMilliseconds:0} ms; the channel was reset. The message may have been delivered.",
                        mayHaveBeenDelivered: true);
                }

                await _txWake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            ThrowIfSendFailed();
        }
        finally
        {
            // Disarmed when the send ends, whatever the outcome; a late tick would only wake a waiter to look again.
            _txTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _txGate.Release();
        }
    }

    private async ValueTask WaitForRoomThenSendAsync(ReadOnlyMemory<byte> message, uint reservedWord, TimeSpan roomTimeout, CancellationToken cancellationToken)
    {
        if (!IsChannelConnected)
        {
            throw new RpmsgException(RpmsgError.LinkDown, "The QMP channel is not open; the message was not sent.");
        }

        using CancellationTokenSource? timer = roomTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(roomTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer?.Token ?? CancellationToken.None);
        try
        {
            await _txGate.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new RpmsgTimeoutException(roomTimeout);
        }

        await SendEnteredAsync(message, reservedWord, cancellationToken).ConfigureAwait(false);
    }

    private void WriteFragment(ReadOnlyMemory<byte> message, uint reservedWord, int index, int count)
    {
        lock (_lock)
        {
            if (_state != QmpLinkState.ChannelConnected)
            {
                _txInFlight = false;
                throw new RpmsgException(RpmsgError.LinkDown, $"The QMP channel is not open ({_state}); the message was not sent.");
            }

            int offset = index * QmpMailboxLayout.MaxFragmentSize;
            int size = Math.Min(QmpMailboxLayout.MaxFragmentSize, message.Length - offset);
            int remaining = count - 1 - index;
            Span<byte> payload = _own.AsSpan(QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MaxFragmentSize);
            payload.Clear();
            message.Span.Slice(offset, size).CopyTo(payload);
            BinaryPrimitives.WriteUInt32LittleEndian(_own.AsSpan(QmpMailboxLayout.ReservedOffset), index == 0 ? reservedWord : ContinuationMarker);
            if (index == 0)
            {
                // Beside the window, never in it: the receiver takes it after the last fragment.
                _sideband?.PostSenderContext(Activity.Current?.Context ?? default);
            }

            _ownDescriptor = _ownDescriptor.WithTx(!_ownDescriptor.Tx).WithFragment((byte)size, (byte)remaining);
            _txFailure = null;
            _txInFlight = true;
            _txAwaitingAck = true;
            _txLastFragmentSent = remaining == 0;
            WriteOwnLocked();
        }

        _instrumentation.FragmentSent();
    }

    private void ArmFragmentTimer() => ArmTxTimer(_options.FragmentTimeout);

    /// <summary>Arms the sender's one timer for the wait now starting; a fragment's wait re-arms it for the next fragment or for rx_done.</summary>
    private void ArmTxTimer(TimeSpan dueTime) => _txTimer.Change(dueTime, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Called when the wait for rx_done outlasted <see cref="QmpLinkOptions.ConsumeTimeout"/>. If the message is still in
    /// flight the channel is reset through the same handshake as after a fragment timeout, so its late rx_done can never be
    /// credited to the next message. Returns false when the message was consumed (or failed) meanwhile.
    /// </summary>
    private bool ResetForUnconsumed()
    {
        lock (_lock)
        {
            if (!_txInFlight)
            {
                return false;
            }

            if (_state == QmpLinkState.ChannelConnected)
            {
                ResetForUnresponsivePeerLocked($"the peer did not confirm consuming a message within {_options.ConsumeTimeout.TotalMilliseconds:0} ms");
            }
            else
            {
                // Every reset fails the send in flight, so this is not expected; the message is given up all the same.
                _txInFlight = false;
                _txLastFragmentSent = false;
            }
        }

        _mailbox.RingPeerDoorbell();
        Log.ConsumeTimedOut(_logger, Role, _options.ConsumeTimeout.TotalMilliseconds);
        return true;
    }

    /// <summary>Resets the channel because the peer stopped answering: ch_state and its ack cleared, the peer must acknowledge before it reopens.</summary>
    private void ResetForUnresponsivePeerLocked(string reason)
    {
        if (_state != QmpLinkState.ChannelConnected)
        {
            // Already reset (link or channel down); the send in flight has failed with it.
            return;
        }

        ResetChannelLocked(reason);
        _txFailure = null;
        _ownDescriptor = _ownDescriptor.WithChannelState(false).WithChannelStateAck(false);
        SetStateLocked(QmpLinkState.LocalDisconnecting);
        WriteOwnLocked();
    }

    /// <summary>
    /// One look at the fragment just written: true when the peer took it (tx_ack) or the send failed. After one
    /// <see cref="QmpLinkOptions.FragmentTimeout"/> the peer's word is read again and the doorbell rung once more (an
    /// interrupt can be lost). After a second period the peer is unresponsive: the channel is reset through a handshake
    /// the peer must acknowledge before it reopens, so the untaken fragment can never be consumed later, and the send
    /// fails with <see cref="RpmsgTimeoutException"/>.
    /// </summary>
    /// <remarks>The caller reads whether the send failed from <see cref="_txFailure"/>.</remarks>
    private bool FragmentTakenOrTimedOut(ref FragmentWait wait)
    {
        lock (_lock)
        {
            if (!_txAwaitingAck)
            {
                return true;
            }
        }

        // The timer only wakes us; the clock decides, so a late callback from an earlier period cannot cut this one short.
        if (_time.GetElapsedTime(wait.Started) < _options.FragmentTimeout)
        {
            return false;
        }

        bool ring;
        bool taken;
        lock (_lock)
        {
            ring = ProcessLocked();
            taken = !_txAwaitingAck;
            if (!taken && wait.Attempt >= 2 && _state == QmpLinkState.ChannelConnected)
            {
                ResetForUnresponsivePeerLocked($"a fragment was not taken within {wait.Attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms");
                ring = true;
            }
        }

        if (taken)
        {
            if (ring)
            {
                _mailbox.RingPeerDoorbell();
            }

            return true;
        }

        _mailbox.RingPeerDoorbell();
        _instrumentation.TxTimedOut(wait.Attempt, final: wait.Attempt >= 2);
        if (wait.Attempt >= 2)
        {
            Log.FragmentTimedOut(_logger, Role, wait.Attempt);
            throw new RpmsgTimeoutException(
                _options.FragmentTimeout * wait.Attempt,
                $"The peer did not take a fragment within {wait.Attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms, though the doorbell was rung again; the channel was reset and the message was not delivered.");
        }

        Log.DoorbellRepeated(_logger, Role);
        wait = new FragmentWait(_time.GetTimestamp()) { Attempt = wait.Attempt + 1 };
        ArmFragmentTimer();
        return false;
    }

    private bool IsSendInFlight()
    {
        lock (_lock)
        {
            return _txInFlight;
        }
    }

    private bool NeedsSettling()
    {
        lock (_lock)
        {
            return _txInFlight;
        }
    }

    /// <summary>
    /// A cancelled send may leave a fragment untaken or a message unconsumed. The next message waits for that to settle
    /// (or for the channel to reset), so a late tx_ack or rx_done is never credited to the wrong message.
    /// </summary>
    private async ValueTask SettlePreviousSendAsync(CancellationToken cancellationToken)
    {
        bool awaitingAck, awaitingConsumption;
        lock (_lock)
        {
            awaitingAck = _txInFlight && _txAwaitingAck;
        }

        if (awaitingAck)
        {
            try
            {
                // Same rules as for a live send: ring again after one period, reset the channel after two.
                var wait = new FragmentWait(_time.GetTimestamp());
                ArmFragmentTimer();
                while (!FragmentTakenOrTimedOut(ref wait))
                {
                    await _txWake.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RpmsgException)
            {
                // The channel reset; the state is fresh.
            }
        }

        lock (_lock)
        {
            // A message abandoned between fragments needs nothing: our next first fragment makes the peer drop its partial.
            awaitingConsumption = _txInFlight && _txLastFragmentSent && !_txAwaitingAck;
            if (!awaitingConsumption)
            {
                _txInFlight = false;
            }
        }

        // The last fragment was taken but its rx_done is still due; wait for it too, within ConsumeTimeout (then, or at
        // any reset, the wait ends).
        long consumeStarted = _time.GetTimestamp();
        if (awaitingConsumption)
        {
            ArmTxTimer(_options.ConsumeTimeout);
        }

        while (awaitingConsumption && IsSendInFlight())
        {
            if (_time.GetElapsedTime(consumeStarted) >= _options.ConsumeTimeout)
            {
                ResetForUnconsumed();
                break;
            }

            await _txWake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        lock (_lock)
        {
            _txFailure = null;
        }
    }

    private void ThrowIfSendFailed()
    {
        RpmsgException? failure;
        lock (_lock)
        {
            failure = _txFailure;
            _txFailure = null;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Called under the lock when the peer's tx_ack matches our tx.</summary>
    private void FragmentTakenLocked()
    {
        _txAwaitingAck = false;
        _txWake.Ring();
    }

    /// <summary>Called under the lock when the peer flipped rx_done; false when no message of ours was waiting for it.</summary>
    private bool MessageConsumedLocked()
    {
        if (!_txInFlight || _txAwaitingAck || !_txLastFragmentSent)
        {
            return false;
        }

        _txInFlight = false;
        _txLastFragmentSent = false;
        _txWake.Ring();
        return true;
    }

    private void FailSendLocked(string reason)
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
        string text = outcomeUnknown
            ? $"The QMP channel closed ({reason}) after the message's last fragment was written but before the peer confirmed consuming it; it may have been delivered."
            : $"The QMP channel closed ({reason}) before the message's last fragment was written; the message was not delivered.";
        _txFailure = new RpmsgException(RpmsgError.LinkDown, text);
        _txWake.Ring();
    }

    /// <summary>Where the wait for one fragment's tx_ack stands: when the current period began and which period it is.</summary>
    private struct FragmentWait(long started)
    {
        public long Started = started;
        public int Attempt = 1;
    }
}
