using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Rpmsg.Core.Diagnostics;

namespace Rpmsg.Core;

/// <summary>An rpmsg endpoint: a local address that sends and receives messages (Linux's <c>struct rpmsg_endpoint</c>).</summary>
/// <remarks>
/// <para>Every send comes in two forms, as in System.Threading.Channels: <c>TrySend*</c> never waits and returns
/// <see langword="false"/> when the transport has no room right now; <c>Send*Async</c> waits for room up to the bus's
/// <see cref="RpmsgBusOptions.TxTimeout"/> and then throws <see cref="RpmsgTimeoutException"/>.</para>
/// <para>An endpoint receives either by callback or through a bounded queue (<see cref="RpmsgEndpointOptions"/>);
/// messages arrive in the order the peer sent them. All members are thread-safe.</para>
/// <para>Dispose the endpoint to release its address. Pending receives and sends then fail with
/// <see cref="RpmsgEndpointClosedException"/>, as they do when its device is removed or the bus is disposed.</para>
/// </remarks>
public sealed partial class RpmsgEndpoint : IAsyncDisposable
{
    private readonly RpmsgBus _bus;
    private readonly RpmsgReceiveCallback? _callback;
    private readonly Channel<RpmsgMessage>? _queue;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource? _callbacksDrained;
    private int _closeReason;
    private int _deliveryWaiting;
    private int _activeCallbacks;
    private int _callbackThread;
    private ReceiveOperation? _receiveOperation;
    private string? _addressName;

    internal RpmsgEndpoint(RpmsgBus bus, RpmsgAddress address, RpmsgDevice? device, RpmsgReceiveCallback? callback, int queueCapacity, TimeSpan queueFullTimeout)
    {
        _bus = bus;
        ReceiveQueueFullTimeout = queueFullTimeout;
        Address = address;
        Device = device;
        _callback = callback;
        _sendOperation = new SendOperation(this);
        if (callback is null)
        {
            _receiveOperation = new ReceiveOperation(this);
            _queue = Channel.CreateBounded<RpmsgMessage>(new BoundedChannelOptions(queueCapacity)
            {
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }
        else
        {
            _callbacksDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Gets the endpoint's local address.</summary>
    public RpmsgAddress Address { get; }

    /// <summary>Gets the device this endpoint belongs to, or <see langword="null"/> for a stand-alone endpoint.</summary>
    public RpmsgDevice? Device { get; }

    /// <summary>Gets the address <see cref="SendAsync"/> and <see cref="TrySend"/> send to: the device's remote address, or <see cref="RpmsgAddress.Any"/> for a stand-alone endpoint.</summary>
    public RpmsgAddress DefaultDestination => Device?.Destination ?? RpmsgAddress.Any;

    /// <summary>Gets the largest payload, in bytes, one message can carry.</summary>
    public int Mtu => _bus.Mtu;

    /// <summary>Gets a value indicating whether this endpoint receives through a callback rather than a queue.</summary>
    public bool HasCallback => _callback is not null;

    /// <summary>Gets a value indicating whether the endpoint was closed (disposed, device removed, or bus disposed).</summary>
    public bool IsClosed => Volatile.Read(ref _closeReason) != 0;

    internal CancellationToken ClosedToken => _closed.Token;

    /// <summary>Gets how long delivery waits for room in the full receive queue before it drops the message.</summary>
    internal TimeSpan ReceiveQueueFullTimeout { get; }

    /// <summary>Gets a value indicating whether a delivery is waiting for room in the full receive queue (its bound is running).</summary>
    internal bool IsDeliveryWaiting => Volatile.Read(ref _deliveryWaiting) != 0;

    /// <summary>Gets or sets the name this endpoint was announced under, if any.</summary>
    internal string? AnnouncedName { get; set; }

    /// <summary>Gets the channel name telemetry reports for what this endpoint receives: the device's name, else the announced name, else the address.</summary>
    internal string ChannelName => Device?.Name ?? AnnouncedName ?? (_addressName ??= Address.ToString());

    /// <summary>Gets the channel name telemetry reports for a send to <paramref name="destination"/>: the channel, else the destination address.</summary>
    internal string SendChannelName(RpmsgAddress destination) => Device?.Name ?? AnnouncedName ?? destination.ToString();

    internal RpmsgError CloseReason => (RpmsgError)Volatile.Read(ref _closeReason);

    /// <summary>Sends to <see cref="DefaultDestination"/>, waiting for transmit room (Linux's <c>rpmsg_send</c>).</summary>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; must stay unchanged until the task completes.</param>
    /// <param name="cancellationToken">Ends the wait; the message is then not sent.</param>
    /// <returns>A task that completes when the transport took the message.</returns>
    /// <exception cref="InvalidOperationException">The endpoint has no default destination.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>.</exception>
    /// <exception cref="RpmsgTimeoutException">No room became free within the transmit timeout.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is or was closed while waiting.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        _bus.SendAsync(this, Address, RequireDefaultDestination(), payload, cancellationToken);

    /// <summary>Sends to <see cref="DefaultDestination"/> if there is transmit room now (Linux's <c>rpmsg_trysend</c>).</summary>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; copied before the method returns.</param>
    /// <returns><see langword="true"/> if sent; <see langword="false"/> if there is no room now.</returns>
    /// <exception cref="InvalidOperationException">The endpoint has no default destination.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is closed.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    public bool TrySend(ReadOnlySpan<byte> payload) =>
        _bus.TrySend(this, Address, RequireDefaultDestination(), payload);

    /// <summary>Sends to <paramref name="destination"/>, waiting for transmit room (Linux's <c>rpmsg_sendto</c>).</summary>
    /// <param name="destination">The remote address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; must stay unchanged until the task completes.</param>
    /// <param name="cancellationToken">Ends the wait; the message is then not sent.</param>
    /// <returns>A task that completes when the transport took the message.</returns>
    /// <exception cref="ArgumentException">The destination is <see cref="RpmsgAddress.Any"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>, or the address is above what the transport carries.</exception>
    /// <exception cref="RpmsgTimeoutException">No room became free within the transmit timeout.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is or was closed while waiting.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ValueTask SendToAsync(RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        _bus.SendAsync(this, Address, destination, payload, cancellationToken);

    /// <summary>Sends to <paramref name="destination"/> if there is transmit room now (Linux's <c>rpmsg_trysendto</c>).</summary>
    /// <param name="destination">The remote address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; copied before the method returns.</param>
    /// <returns><see langword="true"/> if sent; <see langword="false"/> if there is no room now.</returns>
    /// <exception cref="ArgumentException">The destination is <see cref="RpmsgAddress.Any"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>, or the address is above what the transport carries.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is closed.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    public bool TrySendTo(RpmsgAddress destination, ReadOnlySpan<byte> payload) =>
        _bus.TrySend(this, Address, destination, payload);

    /// <summary>Sends with an explicit source and destination, waiting for transmit room (Linux's <c>rpmsg_send_offchannel</c>).</summary>
    /// <param name="source">The source address the peer sees (need not be this endpoint's).</param>
    /// <param name="destination">The remote address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; must stay unchanged until the task completes.</param>
    /// <param name="cancellationToken">Ends the wait; the message is then not sent.</param>
    /// <returns>A task that completes when the transport took the message.</returns>
    /// <exception cref="ArgumentException">The source or destination is <see cref="RpmsgAddress.Any"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>, or an address is above what the transport carries.</exception>
    /// <exception cref="RpmsgTimeoutException">No room became free within the transmit timeout.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is or was closed while waiting.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ValueTask SendOffChannelAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        RequireConcrete(source, nameof(source));
        return _bus.SendAsync(this, source, destination, payload, cancellationToken);
    }

    /// <summary>Sends with an explicit source and destination if there is transmit room now (Linux's <c>rpmsg_trysend_offchannel</c>).</summary>
    /// <param name="source">The source address the peer sees (need not be this endpoint's).</param>
    /// <param name="destination">The remote address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; copied before the method returns.</param>
    /// <returns><see langword="true"/> if sent; <see langword="false"/> if there is no room now.</returns>
    /// <exception cref="ArgumentException">The source or destination is <see cref="RpmsgAddress.Any"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than <see cref="Mtu"/>, or an address is above what the transport carries.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is closed.</exception>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    public bool TrySendOffChannel(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        RequireConcrete(source, nameof(source));
        return _bus.TrySend(this, source, destination, payload);
    }

    /// <summary>Waits for the next message in the receive queue.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The message; the caller owns it and must dispose it.</returns>
    /// <exception cref="InvalidOperationException">The endpoint receives by callback.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is or was closed while waiting; <see cref="RpmsgException.Error"/> says why.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ValueTask<RpmsgMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ChannelReader<RpmsgMessage> reader = RequireQueue().Reader;
        if (RpmsgInstrumentation.IsTracing)
        {
            return ReceiveTracedAsync(reader, cancellationToken);
        }

        if (reader.TryRead(out RpmsgMessage? message))
        {
            return new(message);
        }

        // One reusable wait per endpoint (allocation-free); a concurrent second reader takes the async path.
        ReceiveOperation? operation = Interlocked.Exchange(ref _receiveOperation, null);
        if (operation is null)
        {
            return ReceiveSlowAsync(reader, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _receiveOperation, operation);
            return ValueTask.FromCanceled<RpmsgMessage>(cancellationToken);
        }

        return cancellationToken.CanBeCanceled ? operation.StartCancelable(reader, cancellationToken) : operation.Start(reader.ReadAsync(cancellationToken));
    }

    /// <summary>Takes the next message if one is queued; never waits.</summary>
    /// <param name="message">The message, which the caller owns and must dispose.</param>
    /// <returns><see langword="true"/> if a message was taken.</returns>
    /// <exception cref="InvalidOperationException">The endpoint receives by callback.</exception>
    public bool TryReceive([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RpmsgMessage? message) =>
        RequireQueue().Reader.TryRead(out message);

    /// <summary>Reads messages until the endpoint is disposed by its owner.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <returns>The messages in arrival order; the caller owns and must dispose each one.</returns>
    /// <exception cref="InvalidOperationException">The endpoint receives by callback.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed or the bus disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async IAsyncEnumerable<RpmsgMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            RpmsgMessage message;
            try
            {
                message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpmsgEndpointClosedException ex) when (ex.Error == RpmsgError.EndpointClosed)
            {
                yield break;
            }

            yield return message;
        }
    }

    /// <summary>Destroys the endpoint (Linux's <c>rpmsg_destroy_ept</c>): releases its address, withdraws its announcement, and ends pending operations.</summary>
    /// <returns>A task that completes when no callback of this endpoint is running any more (unless called from that callback).</returns>
    public ValueTask DisposeAsync() => _bus.DestroyEndpointAsync(this, RpmsgError.EndpointClosed);

    /// <inheritdoc/>
    public override string ToString() => Device is null ? $"endpoint {Address}" : $"endpoint {Address} of {Device.Name}";

    /// <summary>Marks the endpoint closed; returns false if it already was. Called by the bus only.</summary>
    internal bool TryMarkClosed(RpmsgError reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, 0) != 0)
        {
            return false;
        }

        _closed.Cancel();
        _queue?.Writer.TryComplete();
        return true;
    }

    /// <summary>Frees what is left in the queue and waits for a running callback. Returns the number of messages discarded.</summary>
    internal async ValueTask<int> DrainAsync()
    {
        int discarded = 0;
        if (_queue is not null)
        {
            while (_queue.Reader.TryRead(out RpmsgMessage? message))
            {
                message.Dispose();
                discarded++;
            }
        }
        else if (Volatile.Read(ref _activeCallbacks) > 0 && Volatile.Read(ref _callbackThread) != Environment.CurrentManagedThreadId)
        {
            await _callbacksDrained!.Task.ConfigureAwait(false);
        }

        return discarded;
    }

    /// <summary>Hands a received payload to the callback or the queue. Called from the transport's delivery sequence.</summary>
    /// <returns>Whether the message reached the endpoint, was discarded because the endpoint closed, or was dropped
    /// because the queue stayed full for <see cref="ReceiveQueueFullTimeout"/>.</returns>
    internal ValueTask<RpmsgDelivery> DeliverAsync(RpmsgAddress source, ReadOnlyMemory<byte> payload, RpmsgMessagePool pool, ActivityContext senderContext, CancellationToken cancellationToken)
    {
        if (_callback is not null)
        {
            return new(InvokeCallback(source, payload.Span) ? RpmsgDelivery.Delivered : RpmsgDelivery.Discarded);
        }

        RpmsgMessage message = pool.Rent(source, Address, payload.Span, senderContext);
        if (_queue!.Writer.TryWrite(message))
        {
            return new(RpmsgDelivery.Delivered);
        }

        if (ReceiveQueueFullTimeout == TimeSpan.Zero)
        {
            message.Dispose();
            return new(IsClosed ? RpmsgDelivery.Discarded : RpmsgDelivery.QueueFull);
        }

        return DeliverSlowAsync(message, cancellationToken);
    }

    private bool InvokeCallback(RpmsgAddress source, ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _activeCallbacks);
        try
        {
            if (IsClosed)
            {
                return false;
            }

            Volatile.Write(ref _callbackThread, Environment.CurrentManagedThreadId);
            try
            {
                _callback!(this, payload, source);
            }
            catch (Exception ex)
            {
                _bus.OnCallbackFailed(this, ex);
            }
            finally
            {
                Volatile.Write(ref _callbackThread, 0);
            }

            return true;
        }
        finally
        {
            if (Interlocked.Decrement(ref _activeCallbacks) == 0 && IsClosed)
            {
                _callbacksDrained!.TrySetResult();
            }
        }
    }

    /// <summary>Waits for room in the full queue, at most <see cref="ReceiveQueueFullTimeout"/>; a write cancelled by the bound never enqueues.</summary>
    private async ValueTask<RpmsgDelivery> DeliverSlowAsync(RpmsgMessage message, CancellationToken cancellationToken)
    {
        using var bound = new CancellationTokenSource(ReceiveQueueFullTimeout, _bus.TimeProvider);
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token)
            : null;
        Volatile.Write(ref _deliveryWaiting, 1);
        try
        {
            await _queue!.Writer.WriteAsync(message, linked?.Token ?? bound.Token).ConfigureAwait(false);
            return RpmsgDelivery.Delivered;
        }
        catch (ChannelClosedException)
        {
            message.Dispose();
            return RpmsgDelivery.Discarded;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            message.Dispose();
            return IsClosed ? RpmsgDelivery.Discarded : RpmsgDelivery.QueueFull;
        }
        catch
        {
            message.Dispose();
            throw;
        }
        finally
        {
            Volatile.Write(ref _deliveryWaiting, 0);
        }
    }

    private async ValueTask<RpmsgMessage> ReceiveTracedAsync(ChannelReader<RpmsgMessage> reader, CancellationToken cancellationToken)
    {
        using Activity? activity = RpmsgInstrumentation.StartReceive(ChannelName);
        try
        {
            RpmsgMessage message = reader.TryRead(out RpmsgMessage? queued) ? queued : await ReceiveSlowAsync(reader, cancellationToken).ConfigureAwait(false);
            if (activity is not null)
            {
                RpmsgInstrumentation.CompleteReceive(activity, ChannelName, message);
            }

            return message;
        }
        catch (Exception ex)
        {
            RpmsgInstrumentation.SetError(activity, ex);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RpmsgMessage> ReceiveSlowAsync(ChannelReader<RpmsgMessage> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ThrowHelper.ThrowEndpointClosed(CloseReason, Address);
            throw;
        }
    }

    private Channel<RpmsgMessage> RequireQueue()
    {
        if (_queue is null)
        {
            ThrowHelper.ThrowCallbackEndpoint(Address);
        }

        return _queue;
    }

    private RpmsgAddress RequireDefaultDestination()
    {
        RpmsgAddress destination = DefaultDestination;
        if (destination.IsAny)
        {
            ThrowHelper.ThrowNoDefaultDestination(Address);
        }

        return destination;
    }

    private static void RequireConcrete(RpmsgAddress address, string paramName)
    {
        if (address.IsAny)
        {
            ThrowHelper.ThrowDestinationAny(paramName);
        }
    }
}
