using System.Buffers.Binary;
using System.Diagnostics;

namespace Tmel.Transport.Qmp;

public sealed partial class QmpLink
{
    private readonly byte[] _rxBuffer;
    // Latches wake-ups without allocating; several collapse into one, and the dispatcher then drains all pending work.
    private readonly QmpDoorbell _dispatchSignal = new(spinCount: 0);
    private Task _dispatcher = Task.CompletedTask;
    private int _rxLength;
    private int _rxExpectedRemaining = -1;
    private uint _rxReserved;
    private ActivityContext _rxSenderContext;
    private bool _rxReady;
    private bool _rxDelivering;
    private bool _notifyConnected;
    private bool _notifiedConnected;
    private int _connection;
    private int _notifiedConnection;

    /// <summary>
    /// Takes the peer's current fragment into the reassembly buffer. Everything read from the peer is bounded: a
    /// first fragment announces at most 256 fragments of at most 24 bytes, each continuation must count down by one,
    /// and non-final fragments are full; anything else is a counted protocol error that drops that message.
    /// </summary>
    /// <returns>True when this fragment completed a message.</returns>
    private bool TakeFragmentLocked(QmpDescriptor peer)
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
            if (badSize)
            {
                ProtocolError($"a first fragment has frag_size {size} with rem_frag_count {remaining}; the message was dropped");
                return false;
            }

            _rxReserved = reserved;
        }
        else if (_rxExpectedRemaining <= 0 || remaining != _rxExpectedRemaining - 1 || size == 0 || badSize)
        {
            ProtocolError($"a continuation fragment (frag_size {size}, rem_frag_count {remaining}) does not follow the message in progress; the message was dropped");
            _rxExpectedRemaining = -1;
            _rxLength = 0;
            return false;
        }

        if (_rxLength + size > _rxBuffer.Length)
        {
            ProtocolError("a message grew past 6144 bytes; it was dropped");
            _rxExpectedRemaining = -1;
            _rxLength = 0;
            return false;
        }

        _peer.AsSpan(QmpMailboxLayout.PayloadOffset, size).CopyTo(_rxBuffer.AsSpan(_rxLength));
        _rxLength += size;
        _instrumentation.FragmentReceived();
        if (remaining == 0)
        {
            _rxSenderContext = _sideband?.TakePeerSenderContext() ?? default;
            _rxExpectedRemaining = -1;
            _rxReady = true;
            _dispatchSignal.Ring();
            return true;
        }

        _rxExpectedRemaining = remaining;
        return false;
    }

    /// <summary>Hands channel changes and whole messages to the handler, one at a time, then flips rx_done for each message.</summary>
    private async Task DispatchAsync()
    {
        CancellationToken stopping = _stopping.Token;
        IQmpLinkHandler handler = _handler!;
        while (true)
        {
            try
            {
                await _dispatchSignal.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            while (!stopping.IsCancellationRequested)
            {
                bool? notify = null;
                bool deliver = false;
                int epoch, length;
                uint reserved;
                ActivityContext senderContext;
                lock (_lock)
                {
                    if (_notifiedConnected && (!_notifyConnected || _connection != _notifiedConnection))
                    {
                        // Down, or down and up again since the handler last heard "up": it hears "down" first, so a
                        // fast reset is never folded away.
                        notify = false;
                        _notifiedConnected = false;
                    }
                    else if (!_notifiedConnected && _notifyConnected)
                    {
                        notify = true;
                        _notifiedConnected = true;
                        _notifiedConnection = _connection;
                    }
                    else if (_rxReady && !_rxDelivering)
                    {
                        _rxDelivering = true;
                        deliver = true;
                    }

                    epoch = _epoch;
                    length = _rxLength;
                    reserved = _rxReserved;
                    senderContext = _rxSenderContext;
                }

                if (notify is bool connected)
                {
                    await NotifyAsync(handler, connected, stopping).ConfigureAwait(false);
                    continue;
                }

                if (!deliver)
                {
                    break;
                }

                await DeliverAsync(handler, reserved, length, senderContext, stopping).ConfigureAwait(false);
                bool ring = false;
                lock (_lock)
                {
                    _rxDelivering = false;
                    _rxReady = false;
                    _rxLength = 0;
                    if (epoch == _epoch && _state == QmpLinkState.ChannelConnected && !stopping.IsCancellationRequested)
                    {
                        // Consumed: flip rx_done, then catch up with anything the peer wrote meanwhile.
                        _ownDescriptor = _ownDescriptor.WithRxDone(!_ownDescriptor.RxDone);
                        WriteOwnLocked();
                        ProcessLocked();
                        ring = true;
                    }
                }

                if (ring)
                {
                    _mailbox.RingPeerDoorbell();
                }
            }
        }
    }

    private async Task NotifyAsync(IQmpLinkHandler handler, bool connected, CancellationToken stopping)
    {
        try
        {
            await handler.OnChannelStateChangedAsync(connected, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.HandlerFailed(_logger, Role, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task DeliverAsync(IQmpLinkHandler handler, uint reserved, int length, ActivityContext senderContext, CancellationToken stopping)
    {
        try
        {
            await handler.OnMessageAsync(reserved, _rxBuffer.AsMemory(0, length), senderContext, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.HandlerFailed(_logger, Role, ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
