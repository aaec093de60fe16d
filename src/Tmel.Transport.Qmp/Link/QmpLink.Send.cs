using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

public sealed partial class QmpLink
{
    private readonly SemaphoreSlim _txGate = new(1, 1);
    private TaskCompletionSource? _txFragmentTaken;
    private TaskCompletionSource? _txDelivered;
    private bool _txAwaitingAck;
    private bool _txLastFragmentSent;

    /// <summary>Sends one message in fragments of up to 24 bytes and waits until the peer consumed it (flipped rx_done).</summary>
    /// <param name="message">At most 6144 bytes; must stay unchanged until the task completes.</param>
    /// <param name="reservedWord">The reserved word of the first fragment (the rpmsg addresses); never <see cref="ContinuationMarker"/>.</param>
    /// <param name="cancellationToken">Ends the wait. A message cancelled before its last fragment was taken is dropped by the
    /// peer as a partial; one cancelled later may still be consumed.</param>
    /// <returns>A task that completes when the peer consumed the message: it was delivered exactly once.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is over 6144 bytes.</exception>
    /// <exception cref="ArgumentException">The reserved word is the continuation marker.</exception>
    /// <exception cref="RpmsgException">The channel is not open, or closed before the peer consumed the message (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task SendAsync(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, QmpMailboxLayout.MaxMessageSize, nameof(message));
        if (reservedWord == ContinuationMarker)
        {
            throw new ArgumentException("0xFFFFFFFF marks continuation fragments and cannot start a message.", nameof(reservedWord));
        }

        await _txGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForPreviousSendAsync(cancellationToken).ConfigureAwait(false);
            int count = Math.Max(1, (message.Length + QmpMailboxLayout.MaxFragmentSize - 1) / QmpMailboxLayout.MaxFragmentSize);
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            for (int i = 0; i < count; i++)
            {
                var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_lock)
                {
                    if (_state != QmpLinkState.ChannelConnected)
                    {
                        throw new RpmsgException(RpmsgError.LinkDown, $"The QMP channel is not open ({_state}); the message was not sent.");
                    }

                    int offset = i * QmpMailboxLayout.MaxFragmentSize;
                    int size = Math.Min(QmpMailboxLayout.MaxFragmentSize, message.Length - offset);
                    int remaining = count - 1 - i;
                    Span<byte> payload = _own.AsSpan(QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MaxFragmentSize);
                    payload.Clear();
                    message.Span.Slice(offset, size).CopyTo(payload);
                    BinaryPrimitives.WriteUInt32LittleEndian(_own.AsSpan(QmpMailboxLayout.ReservedOffset), i == 0 ? reservedWord : ContinuationMarker);
                    _ownDescriptor = _ownDescriptor.WithTx(!_ownDescriptor.Tx).WithFragment((byte)size, (byte)remaining);
                    _txFragmentTaken = taken;
                    _txDelivered = delivered;
                    _txAwaitingAck = true;
                    _txLastFragmentSent = remaining == 0;
                    WriteOwnLocked();
                }

                _mailbox.RingPeerDoorbell();
                await WaitForFragmentTakenAsync(taken.Task, cancellationToken).ConfigureAwait(false);
            }

            await delivered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _txGate.Release();
        }
    }

    /// <summary>
    /// Waits for the peer's tx_ack of the fragment just written. After one <see cref="QmpLinkOptions.FragmentTimeout"/> the
    /// peer's word is read again and the doorbell rung once more (an interrupt can be lost). After a second period the
    /// peer is unresponsive: the channel is reset through a handshake the peer must acknowledge before it reopens, so the
    /// untaken fragment can never be consumed later, and the send fails with <see cref="RpmsgTimeoutException"/>.
    /// </summary>
    private async Task WaitForFragmentTakenAsync(Task taken, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await taken.WaitAsync(_options.FragmentTimeout, _time, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
            }

            bool ring;
            lock (_lock)
            {
                ring = ProcessLocked();
                if (!taken.IsCompleted && attempt >= 2 && _state == QmpLinkState.ChannelConnected)
                {
                    string reason = $"a fragment was not taken within {attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms";
                    ResetChannelLocked(reason);
                    _ownDescriptor = _ownDescriptor.WithChannelState(false).WithChannelStateAck(false);
                    SetStateLocked(QmpLinkState.LocalDisconnecting);
                    WriteOwnLocked();
                    ring = true;
                }
            }

            if (taken.IsCompletedSuccessfully)
            {
                if (ring)
                {
                    _mailbox.RingPeerDoorbell();
                }

                return;
            }

            _mailbox.RingPeerDoorbell();
            if (attempt >= 2)
            {
                _ = taken.Exception;
                Log.FragmentTimedOut(_logger, Role, attempt);
                throw new RpmsgTimeoutException(
                    _options.FragmentTimeout * attempt,
                    $"The peer did not take a fragment within {attempt} x {_options.FragmentTimeout.TotalMilliseconds:0} ms, though the doorbell was rung again; the channel was reset and the message was not delivered.");
            }

            Log.DoorbellRepeated(_logger, Role);
        }
    }

    /// <summary>
    /// A cancelled send may leave a fragment untaken or a message unconsumed. The next message waits for that to settle
    /// (or for the channel to reset), so a late tx_ack or rx_done is never credited to the wrong message.
    /// </summary>
    private async Task WaitForPreviousSendAsync(CancellationToken cancellationToken)
    {
        Task? untaken;
        lock (_lock)
        {
            untaken = _txAwaitingAck ? _txFragmentTaken?.Task : null;
        }

        if (untaken is not null)
        {
            try
            {
                // Same rules as for a live send: ring again after one period, reset the channel after two.
                await WaitForFragmentTakenAsync(untaken, cancellationToken).ConfigureAwait(false);
            }
            catch (RpmsgException)
            {
                // The channel reset; the state is fresh.
            }
        }

        Task? previous;
        lock (_lock)
        {
            if (!_txAwaitingAck && _txLastFragmentSent && _txDelivered is not null)
            {
                // The last fragment was taken but its rx_done is still due; wait for it too.
                previous = _txDelivered.Task;
            }
            else
            {
                previous = null;
            }
        }

        if (previous is not null)
        {
            try
            {
                await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpmsgException)
            {
                // The channel reset.
            }
        }
    }

    private void FailSendLocked(string reason)
    {
        // Once the last fragment is in the mailbox the outcome is unknown: the peer may have taken and be consuming it,
        // and a peer that resets overwrites the ack that would have told us. A message whose last fragment was never
        // written cannot be delivered: every receiver drops an incomplete message when the channel resets.
        bool outcomeUnknown = _txLastFragmentSent;
        _txAwaitingAck = false;
        _txLastFragmentSent = false;
        string text = outcomeUnknown
            ? $"The QMP channel closed ({reason}) after the message's last fragment was written but before the peer confirmed consuming it; it may have been delivered."
            : $"The QMP channel closed ({reason}) before the message's last fragment was written; the message was not delivered.";
        _txFragmentTaken?.TrySetException(new RpmsgException(RpmsgError.LinkDown, text));
        _txDelivered?.TrySetException(new RpmsgException(RpmsgError.LinkDown, text));
        _txFragmentTaken = null;
        _txDelivered = null;
    }
}
