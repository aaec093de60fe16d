using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// <para>Threading: one actor owns the link (docs/qmp-link-actor.md). It alone writes this side's mailbox, reads the
/// peer's, runs the state machine and pumps fragments; senders, the doorbell, the fragment timer, the dispatcher and
/// close post work to it and get completions back. Its turns run one at a time on whichever thread posted while it was
/// idle; no lock is held anywhere in the link, and no user code (handler, trace sink, sender continuation) runs inside a
/// turn except the mailbox trace, which must see each write before the peer can.</para>
/// </remarks>
public sealed partial class QmpLink : IAsyncDisposable, IQmpInlineRingHandler
{
    /// <summary>The reserved word of every fragment after the first; 0xFFFF is no rpmsg address on QMP, so no first fragment carries it.</summary>
    public const uint ContinuationMarker = 0xFFFFFFFF;

    private readonly IQmpMailbox _mailbox;
    private readonly QmpTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<QmpMailboxWrite>? _trace;
    private readonly IQmpTraceSideband? _sideband;
    private readonly IQmpInlineDoorbell? _inlineDoorbell;
    private readonly QmpInstrumentation _instrumentation;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _linkUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource _channelOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IQmpLinkHandler? _handler;
    private Task _pump = Task.CompletedTask;
    private volatile QmpLinkState _state;
    private int _disposeStarted;
    private long _protocolErrors;

    /// <summary>Creates an unstarted link over one side of a mailbox window.</summary>
    /// <param name="mailbox">This side's view of the window.</param>
    /// <param name="role">Which side this is.</param>
    /// <param name="options">The transport's settings, of which the link reads the four timeouts; defaults when <see langword="null"/>.
    /// Kept by reference, as given.</param>
    /// <param name="timeProvider">The clock for every timeout; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the link logs; nowhere when <see langword="null"/>.</param>
    /// <param name="mailboxTrace">Receives every write to this side's mailbox, in order; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the link's meter (see <see cref="QmpTelemetry"/>); a shared meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options' validator (the one the host runs) rejects a setting; the parameter name is the setting's.</exception>
    public QmpLink(IQmpMailbox mailbox, QmpRole role, QmpTransportOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, Action<QmpMailboxWrite>? mailboxTrace = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        _options = options ?? new QmpTransportOptions();
        _options.ThrowIfInvalid();
        _mailbox = mailbox;
        Role = role;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<QmpLink>();
        _trace = mailboxTrace;
        _sideband = mailbox as IQmpTraceSideband;
        _inlineDoorbell = mailbox as IQmpInlineDoorbell;
        _instrumentation = new QmpInstrumentation(role, meterFactory);
        _rxBuffer = new byte[QmpMailboxLayout.MaxMessageSize];
        _sendOperation = new QmpSendOperation(this);
        _handlerCompleted = OnHandlerCompleted;
        _txTimer = _time.CreateTimer(static state => ((QmpLink)state!).Post(Work.Timer), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (mailbox is IQmpOwnMailboxWatch watch)
        {
            watch.OwnMailboxCleared = () => Post(Work.OwnMailboxCleared | Work.PeerRang, allowInlineWake: false);
        }
    }

    /// <summary>Gets which side this link drives.</summary>
    public QmpRole Role { get; }

    /// <summary>Gets the current state.</summary>
    public QmpLinkState State => _state;

    /// <summary>Gets a value indicating whether the channel is open and messages can flow.</summary>
    public bool IsChannelConnected => _state == QmpLinkState.ChannelConnected;

    /// <summary>Gets how many protocol errors the peer caused (impossible sizes, fragments out of sequence, stray toggles); each dropped what it concerned.</summary>
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);

    /// <summary>Starts the link: the local role raises its link level at once, and the doorbell is watched from now on.</summary>
    /// <param name="handler">Receives messages and channel changes.</param>
    /// <exception cref="InvalidOperationException">The link was already started.</exception>
    /// <exception cref="ObjectDisposedException">The link was disposed.</exception>
    public void Start(IQmpLinkHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeStarted) != 0, this);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("The link was already started.");
        }

        Post(Work.Start);

        // Rings the in-memory peer makes after its turns run this side's actor on its thread (docs/qmp-link-actor.md).
        _inlineDoorbell?.SetInlineRingHandler(this);
        _pump = PumpAsync();
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
            Nudge();
            throw new QmpLinkException(State, QmpLinkFailure.LinkUpTimeout, $"The peer did not raise its link level within {_options.LinkUpTimeout.TotalMilliseconds:0} ms.");
        }

        try
        {
            await _channelOpen.Task.WaitAsync(_options.ChannelOpenTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Nudge();
            throw new QmpLinkException(State, QmpLinkFailure.ChannelOpenTimeout, $"The channel did not open within {_options.ChannelOpenTimeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>
    /// After a bring-up wait ran out: read the peer's word again and ring the peer again. The handshake has no timer of its own,
    /// so a doorbell lost either way (an interrupt can be lost) would otherwise leave both sides waiting for each other with
    /// words that already answer; the hosted service's retries so recover it.
    /// </summary>
    private void Nudge()
    {
        Post(Work.Ring | Work.PeerRang, allowInlineWake: false);
    }

    /// <summary>Stops the link; the peer sees this side's link level drop.</summary>
    /// <returns>A task that completes when the link stopped and no handler call is running.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        // First the token: the doorbell wait ends and the dispatcher hands nothing more to the handler.
        _inlineDoorbell?.SetInlineRingHandler(null);
        _stopping.Cancel();
        Post(Work.Dispose);
        await _stopped.Task.ConfigureAwait(false);
        _txTimer.Dispose();
        await _pump.ConfigureAwait(false);
        Dispatch();
        await _dispatchStopped.Task.ConfigureAwait(false);
    }

    /// <summary>The actor's doorbell watch: every ring (and the start) makes the actor read the peer's mailbox once.</summary>
    /// <remarks>On the in-memory window the peer's rings after its turns do not come here: they run the actor directly
    /// (<see cref="IQmpInlineDoorbell"/>); this watch takes every other ring.</remarks>
    private async Task PumpAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Post(Work.PeerRang);
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
}
