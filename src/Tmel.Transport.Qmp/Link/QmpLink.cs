using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Transport.Qmp.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>
/// One side of a QMP link: the RFC's state machine, bit-exact on the wire, for either role, with fragmented messages
/// of up to 6144 bytes, one fragment in flight per direction.
/// </summary>
/// <remarks>
/// <para>The local role raises its link level on start and opens the channel as soon as the link is up; the remote
/// role answers. Where the RFC driver has quirks (lazy link ack, any interrupt opening the channel, no reopen after a
/// remote link reset, a bad frag_size stalling the channel), this link keeps the wire values and not the quirk; see
/// docs/qmp-link.md.</para>
/// <para>Threading: one receive loop reads the peer's mailbox on every doorbell; one dispatcher hands whole messages and
/// channel changes to the <see cref="IQmpLinkHandler"/>; senders write fragments from their own threads. The own mailbox
/// image and the state are guarded by one short lock, never held while user code runs.</para>
/// </remarks>
public sealed partial class QmpLink : IAsyncDisposable
{
    /// <summary>The reserved word of every fragment after the first; 0xFFFF is no rpmsg address on QMP, so no first fragment carries it.</summary>
    public const uint ContinuationMarker = 0xFFFFFFFF;

    private readonly IQmpMailbox _mailbox;
    private readonly QmpLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<QmpMailboxWrite>? _trace;
    private readonly IQmpTraceSideband? _sideband;
    private readonly QmpInstrumentation _instrumentation;
    private readonly Lock _lock = new();
    private readonly byte[] _own = new byte[QmpMailboxLayout.MailboxSize];
    private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _linkUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _channelOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IQmpLinkHandler? _handler;
    private Task _loop = Task.CompletedTask;
    private QmpDescriptor _ownDescriptor;
    private QmpLinkState _state;
    private int _epoch;
    private long _protocolErrors;

    /// <summary>Creates an unstarted link over one side of a mailbox window.</summary>
    /// <param name="mailbox">This side's view of the window.</param>
    /// <param name="role">Which side this is.</param>
    /// <param name="options">Timeouts; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for every timeout; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the link logs; nowhere when <see langword="null"/>.</param>
    /// <param name="mailboxTrace">Receives every write to this side's mailbox, in order; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the link's meter (see <see cref="QmpTelemetry"/>); a shared meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public QmpLink(IQmpMailbox mailbox, QmpRole role, QmpLinkOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, Action<QmpMailboxWrite>? mailboxTrace = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        _options = options ?? new QmpLinkOptions();
        _options.Validate();
        _mailbox = mailbox;
        Role = role;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<QmpLink>();
        _trace = mailboxTrace;
        _sideband = mailbox as IQmpTraceSideband;
        _instrumentation = new QmpInstrumentation(role, meterFactory);
        _rxBuffer = new byte[QmpMailboxLayout.MaxMessageSize];
        _txTimer = _time.CreateTimer(static state => ((QmpLink)state!)._txWake.Ring(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets which side this link drives.</summary>
    public QmpRole Role { get; }

    /// <summary>Gets the current state.</summary>
    public QmpLinkState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Gets a value indicating whether the channel is open and messages can flow.</summary>
    public bool IsChannelConnected => State == QmpLinkState.ChannelConnected;

    /// <summary>Gets how many protocol errors the peer caused (impossible sizes, fragments out of sequence, stray toggles); each dropped what it concerned.</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    /// <summary>Starts the receive loop; the local role raises its link level at once.</summary>
    /// <param name="handler">Receives messages and channel changes.</param>
    /// <exception cref="InvalidOperationException">The link was already started.</exception>
    /// <exception cref="ObjectDisposedException">The link was disposed.</exception>
    public void Start(IQmpLinkHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_handler is not null)
            {
                throw new InvalidOperationException("The link was already started.");
            }

            _handler = handler;
            _state = QmpLinkState.LinkNegotiation;
            if (Role == QmpRole.Local)
            {
                _ownDescriptor = _ownDescriptor.WithLinkState(true);
                WriteOwnLocked();
            }
        }

        if (Role == QmpRole.Local)
        {
            _mailbox.RingPeerDoorbell();
        }

        _dispatcher = Task.Run(DispatchAsync);
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Waits until the channel is open, within the RFC's timeouts: first the link, then the channel.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when the channel is open.</returns>
    /// <exception cref="QmpLinkException">The link or the channel did not come up in time; <see cref="QmpLinkException.State"/> says where it stopped.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task WaitForChannelAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _linkUp.Task.WaitAsync(_options.LinkUpTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new QmpLinkException(State, QmpLinkFailure.LinkUpTimeout, $"The peer did not raise its link level within {_options.LinkUpTimeout.TotalMilliseconds:0} ms.");
        }

        Task channelOpen;
        lock (_lock)
        {
            channelOpen = _channelOpen.Task;
        }

        try
        {
            await channelOpen.WaitAsync(_options.ChannelOpenTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new QmpLinkException(State, QmpLinkFailure.ChannelOpenTimeout, $"The channel did not open within {_options.ChannelOpenTimeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>Stops the loops; the peer sees this side's link level drop.</summary>
    /// <returns>A task that completes when the loops ended.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            if (_handler is not null)
            {
                ResetChannelLocked("the link was disposed");
                _ownDescriptor = default;
                _state = QmpLinkState.LinkDisconnected;
                _closeAcknowledged.TrySetResult();
                WriteOwnLocked();
            }
        }

        _mailbox.RingPeerDoorbell();
        _dispatchSignal.Ring();
        _txTimer.Dispose();
        await _loop.ConfigureAwait(false);
        await _dispatcher.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (true)
        {
            bool ring;
            lock (_lock)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                ring = ProcessLocked();
            }

            if (ring)
            {
                _mailbox.RingPeerDoorbell();
            }

            try
            {
                await _mailbox.WaitForDoorbellAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Reads the peer's mailbox and runs the state machine once. Returns whether the own mailbox was written.</summary>
    private bool ProcessLocked()
    {
        _mailbox.ReadPeer(_peer);
        var peer = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(_peer));
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(_state, Role, _closing, _txAwaitingAck, _rxReady, _ownDescriptor, peer));
        QmpLinkEvents events = next.Events;
        if ((events & QmpLinkEvents.PeerLinkDown) != 0)
        {
            ResetChannelLocked("the peer's link went down");
        }
        else if ((events & QmpLinkEvents.PeerChannelDown) != 0)
        {
            ResetChannelLocked("the peer closed the channel");
        }

        _ownDescriptor = next.Own;
        if ((events & QmpLinkEvents.ChannelConnected) != 0)
        {
            ChannelConnectedLocked();
        }
        else
        {
            SetStateLocked(next.State);
        }

        if ((events & QmpLinkEvents.LinkUp) != 0)
        {
            _linkUp.TrySetResult();
        }

        if ((events & QmpLinkEvents.FragmentTaken) != 0)
        {
            FragmentTakenLocked();
        }

        if ((events & QmpLinkEvents.PeerRxDone) != 0)
        {
            // The RFC driver ignores rem_frag_count and flips rx_done for every fragment it takes; after a non-final
            // fragment that is its normal behaviour, not an error. Only the flip after the last fragment ends the message.
            bool rfcPerFragmentDone = _txInFlight && !_txAwaitingAck && !_txLastFragmentSent;
            if (!MessageConsumedLocked() && !rfcPerFragmentDone)
            {
                ProtocolError("rx_done toggled with no message of ours outstanding");
            }
        }

        if ((events & QmpLinkEvents.FragmentArrived) != 0)
        {
            // Acked in the new word at once; the sender so always knows whether its last fragment was taken, and a
            // failure can say truly whether the message may have been delivered.
            TakeFragmentLocked(peer);
        }

        if (next.Write)
        {
            WriteOwnLocked();
        }

        return next.Write;
    }

    private void ChannelConnectedLocked()
    {
        SetStateLocked(QmpLinkState.ChannelConnected);
        _channelClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channelOpen.TrySetResult();
        _connection++;
        _notifyConnected = true;
        _dispatchSignal.Ring();
    }

    /// <summary>Ends everything the channel carried: a send in flight fails, a partial message is dropped, the handler hears of it.</summary>
    private void ResetChannelLocked(string reason)
    {
        bool wasConnected = _state == QmpLinkState.ChannelConnected;
        _epoch++;
        FailSendLocked(reason);
        if (_rxExpectedRemaining >= 0 || (_rxReady && !_rxDelivering))
        {
            Log.PartialDropped(_logger, _rxLength, reason);
        }

        _rxExpectedRemaining = -1;
        _rxLength = 0;
        if (!_rxDelivering)
        {
            _rxReady = false;
        }

        if (_channelOpen.Task.IsCompleted)
        {
            _channelOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (wasConnected)
        {
            _channelClosed.TrySetResult();
            Log.ChannelClosed(_logger, Role, reason);
            _notifyConnected = false;
            _dispatchSignal.Ring();
        }
    }

    private void SetStateLocked(QmpLinkState state)
    {
        if (_state != state)
        {
            Log.StateChanged(_logger, Role, _state, state);
            _instrumentation.StateChanged(_state, state);
            if (_closing && _state == QmpLinkState.LocalDisconnecting)
            {
                _closeAcknowledged.TrySetResult();
            }

            _state = state;
        }
    }

    private void WriteOwnLocked()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_own, _ownDescriptor.Value);

        // Traced before the write: the peer can read the word as soon as it is written (its loop does not wait for our
        // doorbell), so tracing after it could record the peer's answer first.
        _trace?.Invoke(new QmpMailboxWrite(_time.GetUtcNow(), Role, _mailbox.OwnOffset, (byte[])_own.Clone()));
        _mailbox.WriteOwn(_own);
    }

    private void ProtocolError(string what)
    {
        Interlocked.Increment(ref _protocolErrors);
        _instrumentation.ProtocolError();
        Log.ProtocolError(_logger, Role, what);
    }
}
