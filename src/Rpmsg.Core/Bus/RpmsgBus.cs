using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core.Diagnostics;

namespace Rpmsg.Core;

/// <summary>
/// An rpmsg bus over one transport: it owns the endpoint address space, the devices (channels) announced by the
/// peer, the registered drivers, and the name service at address 53 (Linux's rpmsg core plus virtio_rpmsg_bus).
/// </summary>
/// <remarks>
/// <para>All members are thread-safe. No bus lock is held while user code (callbacks, probe, remove) runs.</para>
/// <para>Threading: frames are delivered from the transport's delivery sequence, one at a time, in order.
/// Name-service announcements and link changes are processed in order by one lifecycle worker, which also runs
/// driver probe and remove; probe/remove never run on the delivery sequence, so a driver may wait for a reply in probe.</para>
/// <para>The bus owns its transport: it starts it in the constructor and disposes it in <see cref="DisposeAsync"/>, which
/// removes every device, closes every endpoint (pending operations fail with <see cref="RpmsgError.BusDisposed"/>), and
/// ends every wait.</para>
/// </remarks>
public sealed partial class RpmsgBus : IAsyncDisposable
{
    private readonly IRpmsgTransport _transport;
    private readonly TimeSpan _txTimeout;
    private readonly int _receiveQueueCapacity;
    private readonly TimeSpan _receiveQueueFullTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RpmsgMessagePool _pool;
    private readonly RpmsgMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private CancellationTokenSource _linkDown = new(); // guarded by _gate: cancelled by the next link-down, then replaced
    private int _disposed;

    private readonly Action _countSent;
    private long _sendSequence;
    private bool _announcementsLive; // guarded by _gate: link-up was handled, so announcements are sent as they are made
    private long _messagesSent;
    private long _messagesReceived;
    private long _messagesDropped;
    private long _messagesDiscarded;
    private long _messagesOverflowed;
    private long _malformedAnnouncements;
    private long _probeFailures;
    private long _callbackFailures;

    /// <summary>Creates a bus over <paramref name="transport"/> and starts the transport.</summary>
    /// <param name="transport">The link to the peer; the bus takes ownership of it.</param>
    /// <param name="options">Timeouts and queue sizes; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The bus's clock; <see cref="TimeProvider.System"/> when <see langword="null"/>. Transmit timeouts are measured by the transport, with its own clock.</param>
    /// <param name="loggerFactory">Where the bus logs; nowhere when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the bus's meter (see <see cref="RpmsgTelemetry"/>); a shared meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The transport was already started by another bus.</exception>
    public RpmsgBus(IRpmsgTransport transport, RpmsgBusOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= new RpmsgBusOptions();
        options.Validate();
        if (transport.Mtu < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(transport), transport.Mtu, "The transport reports an MTU below 1 byte.");
        }

        _transport = transport;
        _txTimeout = options.TxTimeout;
        _receiveQueueCapacity = options.ReceiveQueueCapacity;
        _receiveQueueFullTimeout = options.ReceiveQueueFullTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RpmsgBus>();
        _pool = new RpmsgMessagePool(256);
        _metrics = new RpmsgMetrics(meterFactory);
        _countSent = () => Interlocked.Increment(ref _messagesSent);
        _lifecycleQueue = Channel.CreateBounded<LifecycleEvent>(new BoundedChannelOptions(options.LifecycleQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lifecycleWorker = Task.Run(RunLifecycleAsync);
        _transport.Start(new TransportHandler(this));
    }

    /// <summary>Gets the largest payload, in bytes, one message can carry on this bus.</summary>
    public int Mtu => _transport.Mtu;

    /// <summary>Gets the highest endpoint address the transport can carry.</summary>
    public RpmsgAddress MaxAddress => _transport.MaxAddress;

    /// <summary>Gets a value indicating whether the link to the peer is up.</summary>
    public bool IsLinkUp => _transport.IsLinkUp;

    /// <summary>Gets a token that is cancelled the next time the bus handles a link-down (or when the bus is disposed).</summary>
    /// <remarks>
    /// A link-down ends every exchange in flight: whatever the peer had not answered by then it will never answer. So a
    /// client that waits for a late reply (for example at a fixed address, which cannot be retired) can stop waiting
    /// when this token fires. Read the property again after it fired to watch for the next link-down.
    /// </remarks>
    public CancellationToken LinkDown
    {
        get
        {
            lock (_gate)
            {
                return _linkDown.Token;
            }
        }
    }

    /// <summary>Gets the bus's clock (what its users should measure their own waits with).</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Returns the bus's counters.</summary>
    /// <returns>A snapshot of the counters.</returns>
    public RpmsgBusStatistics GetStatistics() => new(
        Interlocked.Read(ref _messagesSent),
        Interlocked.Read(ref _messagesReceived),
        Interlocked.Read(ref _messagesDropped),
        Interlocked.Read(ref _messagesDiscarded),
        Interlocked.Read(ref _malformedAnnouncements),
        Interlocked.Read(ref _probeFailures),
        Interlocked.Read(ref _callbackFailures),
        Interlocked.Read(ref _messagesOverflowed));

    /// <summary>Removes every device (running driver remove), closes every endpoint, ends every wait, and disposes the transport.</summary>
    /// <returns>A task that completes when the bus and its transport are shut down.</returns>
    /// <exception cref="InvalidOperationException">Called from a driver's probe or remove on this bus.</exception>
    public async ValueTask DisposeAsync()
    {
        ThrowIfInDriverCallback();
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        SignalLinkDown();
        _lifecycleQueue.Writer.TryComplete();
        await _lifecycleWorker.ConfigureAwait(false);

        await _lifecycleGate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (RpmsgDevice device in SnapshotDevices())
            {
                await RemoveDeviceCoreAsync(device, RpmsgError.BusDisposed).ConfigureAwait(false);
            }

            RpmsgEndpoint[] endpoints;
            lock (_gate)
            {
                endpoints = [.. _endpoints.Values];
            }

            foreach (RpmsgEndpoint endpoint in endpoints)
            {
                await DestroyEndpointAsync(endpoint, RpmsgError.BusDisposed).ConfigureAwait(false);
            }

            FailDeviceWaiters();
        }
        finally
        {
            _lifecycleGate.Release();
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal void OnCallbackFailed(RpmsgEndpoint endpoint, Exception exception)
    {
        Interlocked.Increment(ref _callbackFailures);
        Log.CallbackFailed(_logger, endpoint.Address.Value, exception);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Fires <see cref="LinkDown"/> and, unless the bus is disposed (its token then stays cancelled), arms a fresh token for the next link-down.</summary>
    private void SignalLinkDown()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            fired = _linkDown;
            if (!IsDisposed)
            {
                _linkDown = new CancellationTokenSource();
            }
        }

        // Callbacks run outside the lock; the fired source has no timer, so nothing is left to release.
        fired.Cancel();
    }

    /// <summary>Receives the transport's events; kept private so they are not part of the bus's public surface.</summary>
    private sealed class TransportHandler(RpmsgBus bus) : IRpmsgTransportHandler
    {
        public ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken) =>
            bus.OnReceiveAsync(source, destination, payload, senderContext, cancellationToken);

        public ValueTask OnLinkStateChangedAsync(bool isUp, CancellationToken cancellationToken) =>
            bus.EnqueueLifecycleAsync(isUp ? LifecycleEvent.LinkUp : LifecycleEvent.LinkDown, cancellationToken);
    }
}
