using System.Buffers.Binary;
using System.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The receive side: the actor takes fragments into the reassembly buffer and hands a whole message to the dispatcher;
/// the dispatcher calls the handler outside the actor, one call at a time and in order, and posts "consumed" back, on
/// which the actor flips rx_done.
/// </summary>
public sealed partial class QmpLink
{
    private readonly byte[] _rxBuffer;
    private readonly Action _handlerCompleted;
    private readonly TaskCompletionSource _dispatchStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Owned by the actor.
    private int _rxLength;
    private int _rxExpectedRemaining = -1;
    private uint _rxReserved;
    private bool _rxReady;

    // A message was dropped for a protocol error and the peer, which cannot know, still sends its remaining fragments: they
    // are dropped without counting again, so the counter says how many messages the peer damaged, not how many fragments.
    private bool _rxDiscarding;

    // Written by the actor, read by the dispatcher: the channel as (connection count << 1) | connected, and the one
    // message handed over (valid while _rxPosted is 1; the actor takes no new fragment until it hears back).
    private int _connectionWord;
    private int _rxPosted;
    private int _rxPostedEpoch;
    private int _rxPostedLength;
    private uint _rxPostedReserved;
    private ActivityContext _rxPostedContext;

    // Written by the dispatcher, read by the actor.
    private int _consumedEpoch;

    // Owned by the dispatcher (one runs at a time).
    private int _dispatching;
    private bool _notifiedConnected;
    private int _notifiedConnection;
    private ValueTask _handlerCall;
    private bool _handlerCallIsMessage;
    private int _handlerCallEpoch;

    /// <summary>
    /// Takes the peer's current fragment into the reassembly buffer. Everything read from the peer is bounded: a
    /// first fragment announces at most 256 fragments of at most 24 bytes, each continuation must count down by one,
    /// and non-final fragments are full; anything else is a counted protocol error that drops that message.
    /// </summary>
    private void TakeFragment(QmpDescriptor peer)
    {
        int size = peer.FragmentSize;
        int remaining = peer.RemainingFragments;
        uint reserved = BinaryPrimitives.ReadUInt32LittleEndian(_peer.AsSpan(QmpMailboxLayout.ReservedOffset));
        bool badSize = size > QmpMailboxLayout.MaxFragmentSize || (remaining > 0 && size != QmpMailboxLayout.MaxFragmentSize);
        if (reserved != ContinuationMarker)
        {
            if (_rxExpectedRemaining >= 0)
            {
                ProtocolError("a new message began before the previous one was complete; the partial message was dropped");
            }

            _rxLength = 0;
            _rxExpectedRemaining = -1;
            _rxDiscarding = false;
            if (badSize)
            {
                ProtocolError($"a first fragment has frag_size {size} with rem_frag_count {remaining}; the message was dropped");
                _rxDiscarding = remaining > 0;
                return;
            }

            _rxReserved = reserved;
        }
        else if (_rxDiscarding)
        {
            // The rest of a message already dropped and counted; its last fragment ends the discarding.
            _rxDiscarding = remaining > 0;
            return;
        }
        else if (_rxExpectedRemaining <= 0 || remaining != _rxExpectedRemaining - 1 || size == 0 || badSize)
        {
            ProtocolError($"a continuation fragment (frag_size {size}, rem_frag_count {remaining}) does not follow the message in progress; the message was dropped");
            DropPartial(remaining);
            return;
        }

        if (_rxLength + size > _rxBuffer.Length)
        {
            ProtocolError("a message grew past 6144 bytes; it was dropped");
            DropPartial(remaining);
            return;
        }

        if (size == QmpMailboxLayout.MaxFragmentSize)
        {
            // Every fragment but a message's last: a copy of constant length, not a call.
            _peer.AsSpan(QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MaxFragmentSize).CopyTo(_rxBuffer.AsSpan(_rxLength));
        }
        else
        {
            _peer.AsSpan(QmpMailboxLayout.PayloadOffset, size).CopyTo(_rxBuffer.AsSpan(_rxLength));
        }
        _rxLength += size;
        _instrumentation.FragmentReceived();
        if (remaining != 0)
        {
            _rxExpectedRemaining = remaining;
            return;
        }

        _rxExpectedRemaining = -1;
        _rxReady = true;
        _rxPostedEpoch = _epoch;
        _rxPostedLength = _rxLength;
        _rxPostedReserved = _rxReserved;
        _rxPostedContext = _sideband?.TakePeerSenderContext() ?? default;
        Volatile.Write(ref _rxPosted, 1);
        _turnDispatch = true;
    }

    /// <summary>Drops the message in progress after a protocol error; its remaining fragments, if any, are dropped as they come.</summary>
    private void DropPartial(int remaining)
    {
        _rxExpectedRemaining = -1;
        _rxLength = 0;
        _rxDiscarding = remaining > 0;
    }

    /// <summary>The dispatcher handled (or dropped) the message: flip rx_done if the channel that carried it is still open.</summary>
    private void ConsumedTurn()
    {
        int epoch = Volatile.Read(ref _consumedEpoch);
        _rxReady = false;
        _rxLength = 0;
        if (epoch == _epoch && _state == QmpLinkState.ChannelConnected)
        {
            _ownDescriptor = _ownDescriptor.WithRxDone(!_ownDescriptor.RxDone);
            WriteOwn();
        }
    }

    /// <summary>Runs the dispatcher on this thread unless it runs elsewhere; it hands channel changes and messages to the handler.</summary>
    private void Dispatch()
    {
        while (Interlocked.CompareExchange(ref _dispatching, 1, 0) == 0)
        {
            if (!DispatchPending())
            {
                // A handler call went asynchronous; its completion carries on.
                return;
            }

            if (!ReleaseDispatcher())
            {
                return;
            }
        }
    }

    /// <summary>Gives the dispatcher up; returns whether work arrived meanwhile that nobody else will pick up.</summary>
    private bool ReleaseDispatcher()
    {
        // A full fence (see Run): the reads below must not move before this store, or a message posted meanwhile by a
        // poster that found the dispatcher taken would wait for the next post.
        Interlocked.Exchange(ref _dispatching, 0);
        if (_stopping.IsCancellationRequested)
        {
            _dispatchStopped.TrySetResult();
            return false;
        }

        return Volatile.Read(ref _rxPosted) != 0 || HasNotification();
    }

    private bool HasNotification()
    {
        int word = Volatile.Read(ref _connectionWord);
        bool connected = (word & 1) != 0;
        return _notifiedConnected ? !connected || (word >> 1) != _notifiedConnection : connected;
    }

    /// <summary>Hands everything pending to the handler, one call at a time; false when a call went asynchronous.</summary>
    private bool DispatchPending()
    {
        CancellationToken stopping = _stopping.Token;
        IQmpLinkHandler handler = _handler!;
        while (!stopping.IsCancellationRequested)
        {
            int word = Volatile.Read(ref _connectionWord);
            bool connected = (word & 1) != 0;
            ValueTask call;
            if (_notifiedConnected && (!connected || (word >> 1) != _notifiedConnection))
            {
                // Down, or down and up again since the handler last heard "up": it hears "down" first, so a fast reset
                // is never folded away.
                _notifiedConnected = false;
                _handlerCallIsMessage = false;
                RingIfWritten();
                call = CallHandler(handler, connected: false, stopping);
            }
            else if (!_notifiedConnected && connected)
            {
                _notifiedConnected = true;
                _notifiedConnection = word >> 1;
                _handlerCallIsMessage = false;
                RingIfWritten();
                call = CallHandler(handler, connected: true, stopping);
            }
            else if (Volatile.Read(ref _rxPosted) != 0 && Interlocked.Exchange(ref _rxPosted, 0) == 1)
            {
                int epoch = _rxPostedEpoch;
                if (epoch != _epoch)
                {
                    // The channel reset after the message was taken: it is dropped, as every incomplete one is.
                    Log.PartialDropped(_logger, _rxPostedLength, "the channel reset before the message was delivered");
                    PostConsumed(epoch);
                    continue;
                }

                _handlerCallIsMessage = true;
                _handlerCallEpoch = epoch;
                call = CallHandler(handler, stopping);
            }
            else
            {
                return true;
            }

            if (!call.IsCompleted)
            {
                // The handler waits (a full endpoint queue, at most its bound): ring for what was written, and carry on
                // when it completes; the actor meanwhile keeps serving the other direction.
                _handlerCall = call;
                RingIfWritten();
                call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_handlerCompleted);
                return false;
            }

            EndHandlerCall(call);
        }

        return true;
    }

    private void OnHandlerCompleted()
    {
        ValueTask call = _handlerCall;
        _handlerCall = default;
        EndHandlerCall(call);
        if (DispatchPending() && ReleaseDispatcher())
        {
            Dispatch();
        }

        RingIfWritten();
    }

    private void EndHandlerCall(ValueTask call)
    {
        try
        {
            call.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, Role, ex);
        }

        if (_handlerCallIsMessage)
        {
            _handlerCallIsMessage = false;
            PostConsumed(_handlerCallEpoch);
        }
    }

    private void PostConsumed(int epoch)
    {
        Volatile.Write(ref _consumedEpoch, epoch);
        Post(Work.Consumed);
    }

    private ValueTask CallHandler(IQmpLinkHandler handler, CancellationToken stopping)
    {
        try
        {
            return handler.OnMessageAsync(_rxPostedReserved, _rxBuffer.AsMemory(0, _rxPostedLength), _rxPostedContext, stopping);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    private static ValueTask CallHandler(IQmpLinkHandler handler, bool connected, CancellationToken stopping)
    {
        try
        {
            return handler.OnChannelStateChangedAsync(connected, stopping);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }
}
