using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Rpmsg.Core.Diagnostics;

namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    // Written under _gate (binding keeps its address checks and allocation in one critical section); read without it on
    // every received message.
    private readonly ConcurrentDictionary<uint, RpmsgEndpoint> _endpoints = new();
    private uint _nextDynamic = RpmsgAddress.FirstDynamic.Value;

    /// <summary>Creates a stand-alone endpoint (Linux's <c>rpmsg_create_ept</c> without a channel).</summary>
    /// <param name="address">A fixed address, or <see cref="RpmsgAddress.Any"/> for a dynamic one (from 1024 up).</param>
    /// <param name="options">How the endpoint receives; queued by default.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="RpmsgException">The address is taken (<see cref="RpmsgError.AddressInUse"/>), or no dynamic address is free (<see cref="RpmsgError.AddressSpaceExhausted"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The address is above <see cref="MaxAddress"/>, or the queue capacity is below 1.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    public RpmsgEndpoint CreateEndpoint(RpmsgAddress address, RpmsgEndpointOptions? options = null) =>
        CreateEndpointCore(address, options, device: null);

    internal RpmsgEndpoint CreateEndpointCore(RpmsgAddress address, RpmsgEndpointOptions? options, RpmsgDevice? device)
    {
        int capacity = options?.ReceiveQueueCapacity ?? _receiveQueueCapacity;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, nameof(RpmsgEndpointOptions.ReceiveQueueCapacity));
        TimeSpan queueFullTimeout = options?.ReceiveQueueFullTimeout ?? _receiveQueueFullTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThan(queueFullTimeout, TimeSpan.Zero, nameof(RpmsgEndpointOptions.ReceiveQueueFullTimeout));
        if (!address.IsAny && address > MaxAddress)
        {
            ThrowHelper.ThrowAddressOutOfRange(nameof(address), address, MaxAddress.Value);
        }

        RpmsgEndpoint endpoint;
        lock (_gate)
        {
            ThrowIfDisposed();
            uint value;
            if (address.IsAny)
            {
                value = AllocateDynamicAddressLocked();
            }
            else
            {
                value = address.Value;
                if (address == RpmsgAddress.NameService || _endpoints.ContainsKey(value))
                {
                    throw new RpmsgException(RpmsgError.AddressInUse, $"Address {address} is already bound on this bus.");
                }
            }

            endpoint = new RpmsgEndpoint(this, value, device, options?.Callback, capacity, queueFullTimeout);
            if (device is not null && !device.TryAttach(endpoint))
            {
                ThrowHelper.ThrowEndpointClosed(RpmsgError.DeviceRemoved, value);
            }

            _endpoints[value] = endpoint;
        }

        Log.EndpointCreated(_logger, endpoint.Address.Value, device?.Name ?? "-");
        _metrics.EndpointCreated();
        return endpoint;
    }

    internal async ValueTask DestroyEndpointAsync(RpmsgEndpoint endpoint, RpmsgError reason)
    {
        if (!endpoint.TryMarkClosed(reason))
        {
            return;
        }

        string? announcedName;
        lock (_gate)
        {
            if (_endpoints.TryGetValue(endpoint.Address.Value, out RpmsgEndpoint? bound) && bound == endpoint)
            {
                _endpoints.TryRemove(endpoint.Address.Value, out _);
            }

            _announcements.Remove(endpoint, out announcedName);
        }

        endpoint.Device?.Detach(endpoint);
        // With the link down the peer has already removed every announced device, so there is nothing to withdraw.
        if (announcedName is not null && reason != RpmsgError.BusDisposed && IsLinkUp)
        {
            await SendAnnouncementAsync(new RpmsgNameServiceMessage(announcedName, endpoint.Address, RpmsgNameServiceFlags.Destroy), CancellationToken.None).ConfigureAwait(false);
        }

        int discarded = await endpoint.DrainAsync().ConfigureAwait(false);
        Interlocked.Add(ref _messagesDiscarded, discarded);
        Log.EndpointDestroyed(_logger, endpoint.Address.Value, reason);
        _metrics.EndpointDestroyed();
    }

    internal bool TrySend(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        CheckSend(endpoint, destination, payload.Length);
        if (RpmsgInstrumentation.IsTracing || _metrics.IsMeasuringMessages)
        {
            return TrySendInstrumented(endpoint, source, destination, payload);
        }

        if (!_transport.TrySend(source, destination, payload))
        {
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    internal ValueTask SendAsync(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        CheckSend(endpoint, destination, payload.Length);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (RpmsgInstrumentation.IsTracing || _metrics.IsMeasuringMessages)
        {
            return SendInstrumentedAsync(endpoint, source, destination, payload, cancellationToken);
        }

        return SendCoreAsync(endpoint, source, destination, payload, cancellationToken);
    }

    private ValueTask SendCoreAsync(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            // The endpoint's reusable operation links the caller's token and the endpoint's close without a linked source per
            // send; while another send on the endpoint waits, an async method with a linked source.
            RpmsgEndpoint.SendOperation? linkedOperation = endpoint.RentSendOperation();
            if (linkedOperation is null)
            {
                return SendLinkedAsync(endpoint, source, destination, payload, cancellationToken);
            }

            CancellationToken linked = linkedOperation.Link(cancellationToken);
            ValueTask linkedSend;
            try
            {
                linkedSend = _transport.SendAsync(source, destination, payload, _txTimeout, linked);
            }
            catch (Exception ex)
            {
                linkedSend = ValueTask.FromException(ex);
            }

            return linkedOperation.Start(linkedSend, _countSent);
        }

        // No caller token: the endpoint's own close token is the only one, so the common case allocates nothing.
        ValueTask send = _transport.SendAsync(source, destination, payload, _txTimeout, endpoint.ClosedToken);
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            Interlocked.Increment(ref _messagesSent);
            return default;
        }

        // Waiting: on the endpoint's reusable operation (allocation-free), or, while another send on it waits, an async method.
        RpmsgEndpoint.SendOperation? operation = endpoint.RentSendOperation();
        return operation is null ? AwaitSendAsync(send, endpoint, CancellationToken.None) : operation.Start(send, _countSent);
    }

    /// <summary>The send path while someone listens: a Producer span that is current while the transport takes the message.</summary>
    private async ValueTask SendInstrumentedAsync(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        string operation = OperationName(endpoint, source, destination, trying: false);
        string channel = endpoint.SendChannelName(destination);
        long started = _timeProvider.GetTimestamp();
        using Activity? activity = StartSendActivity(operation, channel, source, destination, payload.Length);
        try
        {
            await SendCoreAsync(endpoint, source, destination, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RpmsgInstrumentation.SetError(activity, ex);
            _metrics.RecordSend(operation, channel, _timeProvider.GetElapsedTime(started), ex);
            throw;
        }

        _metrics.RecordSend(operation, channel, _timeProvider.GetElapsedTime(started), error: null);
    }

    private bool TrySendInstrumented(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        string operation = OperationName(endpoint, source, destination, trying: true);
        string channel = endpoint.SendChannelName(destination);
        long started = _timeProvider.GetTimestamp();
        using Activity? activity = StartSendActivity(operation, channel, source, destination, payload.Length);
        bool sent;
        try
        {
            sent = _transport.TrySend(source, destination, payload);
        }
        catch (Exception ex)
        {
            RpmsgInstrumentation.SetError(activity, ex);
            _metrics.RecordSend(operation, channel, _timeProvider.GetElapsedTime(started), ex);
            throw;
        }

        if (!sent)
        {
            // "No room now" is not an error; the span says so and no message is counted.
            activity?.SetTag("messaging.rpmsg.no_room", true);
            return false;
        }

        Interlocked.Increment(ref _messagesSent);
        _metrics.RecordSend(operation, channel, _timeProvider.GetElapsedTime(started), error: null);
        return true;
    }

    /// <summary>Starts the send's Producer span when someone listens, numbering the message with the bus's send sequence.</summary>
    private Activity? StartSendActivity(string operation, string channel, RpmsgAddress source, RpmsgAddress destination, int length) =>
        RpmsgInstrumentation.IsTracing
            ? RpmsgInstrumentation.StartSend(operation, channel, source, destination, length, Interlocked.Increment(ref _sendSequence))
            : null;

    /// <summary>The rpmsg verb, as <c>messaging.operation.name</c>: send, sendto or send_offchannel, with "try" for the non-waiting ones.</summary>
    private static string OperationName(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, bool trying) =>
        (source != endpoint.Address, destination == endpoint.DefaultDestination, trying) switch
        {
            (true, _, false) => "send_offchannel",
            (true, _, true) => "trysend_offchannel",
            (false, true, false) => "send",
            (false, true, true) => "trysend",
            (false, false, false) => "sendto",
            (false, false, true) => "trysendto",
        };

    private async ValueTask SendLinkedAsync(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, endpoint.ClosedToken);
        await AwaitSendAsync(_transport.SendAsync(source, destination, payload, _txTimeout, linked.Token), endpoint, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSendAsync(ValueTask send, RpmsgEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller sees its own token in the exception, never an internal one.
            cancellationToken.ThrowIfCancellationRequested();
            if (endpoint.IsClosed)
            {
                ThrowHelper.ThrowEndpointClosed(endpoint.CloseReason, endpoint.Address);
            }

            throw;
        }

        Interlocked.Increment(ref _messagesSent);
    }

    private void CheckSend(RpmsgEndpoint endpoint, RpmsgAddress destination, int length)
    {
        if (endpoint.IsClosed)
        {
            ThrowHelper.ThrowEndpointClosed(endpoint.CloseReason, endpoint.Address);
        }

        if (destination.IsAny)
        {
            ThrowHelper.ThrowDestinationAny(nameof(destination));
        }

        if (length > _transport.Mtu)
        {
            ThrowHelper.ThrowPayloadTooLarge(length, _transport.Mtu);
        }
    }

    private async ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken)
    {
        if (destination == RpmsgAddress.NameService)
        {
            await OnNameServiceMessageAsync(source, payload.Span, cancellationToken).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _messagesReceived);
        if (!_endpoints.TryGetValue(destination.Value, out RpmsgEndpoint? endpoint))
        {
            Interlocked.Increment(ref _messagesDropped);
            Log.NoEndpoint(_logger, destination.Value, source.Value, payload.Length);
            return;
        }

        RpmsgDelivery delivery;
        if (endpoint.HasCallback && (RpmsgInstrumentation.IsTracing || _metrics.IsMeasuringMessages))
        {
            delivery = await DeliverInstrumentedAsync(endpoint, source, destination, payload, senderContext, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            delivery = await endpoint.DeliverAsync(source, payload, _pool, senderContext, cancellationToken).ConfigureAwait(false);
            if (delivery == RpmsgDelivery.Delivered)
            {
                _metrics.RecordConsumed("receive", endpoint.ChannelName);
            }
        }

        if (delivery == RpmsgDelivery.Discarded)
        {
            Interlocked.Increment(ref _messagesDiscarded);
        }
        else if (delivery == RpmsgDelivery.QueueFull)
        {
            Interlocked.Increment(ref _messagesOverflowed);
            _metrics.RecordQueueFullDrop(endpoint.ChannelName);
            Log.ReceiveQueueFull(_logger, endpoint.Address.Value, source.Value, payload.Length, endpoint.ReceiveQueueFullTimeout.TotalMilliseconds);
        }
    }

    /// <summary>A callback delivery while someone listens: a Consumer span, a child of the sender's span when the transport carried it.</summary>
    private async ValueTask<RpmsgDelivery> DeliverInstrumentedAsync(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken)
    {
        string channel = endpoint.ChannelName;
        long started = _timeProvider.GetTimestamp();
        using Activity? activity = RpmsgInstrumentation.IsTracing
            ? RpmsgInstrumentation.StartProcess(channel, source, destination, payload.Length, senderContext)
            : null;
        RpmsgDelivery delivery = await endpoint.DeliverAsync(source, payload, _pool, senderContext, cancellationToken).ConfigureAwait(false);
        if (delivery == RpmsgDelivery.Delivered)
        {
            _metrics.RecordConsumed("process", channel);
            _metrics.RecordProcess(channel, _timeProvider.GetElapsedTime(started));
        }

        return delivery;
    }

    // Cyclic allocation from 1024 up, so a freed address is reused only after the others were handed out:
    // a late message for a destroyed endpoint is then unlikely to reach its successor.
    private uint AllocateDynamicAddressLocked()
    {
        uint first = RpmsgAddress.FirstDynamic.Value;
        uint last = MaxAddress.Value;
        ulong range = (ulong)last - first + 1;
        for (ulong i = 0; i < range; i++)
        {
            uint candidate = _nextDynamic;
            _nextDynamic = candidate >= last ? first : candidate + 1;
            if (!_endpoints.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        throw new RpmsgException(RpmsgError.AddressSpaceExhausted, $"Every dynamic address from {first} to {last} is bound.");
    }
}
