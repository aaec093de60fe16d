using System.Runtime.CompilerServices;

namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    private readonly Dictionary<uint, RpmsgEndpoint> _endpoints = [];
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

            endpoint = new RpmsgEndpoint(this, value, device, options?.Callback, capacity);
            if (device is not null && !device.TryAttach(endpoint))
            {
                ThrowHelper.ThrowEndpointClosed(RpmsgError.DeviceRemoved, value);
            }

            _endpoints.Add(value, endpoint);
        }

        Log.EndpointCreated(_logger, endpoint.Address.Value, device?.Name ?? "-");
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
                _endpoints.Remove(endpoint.Address.Value);
            }

            _announcements.Remove(endpoint, out announcedName);
        }

        endpoint.Device?.Detach(endpoint);
        if (announcedName is not null && reason != RpmsgError.BusDisposed)
        {
            await SendAnnouncementAsync(new RpmsgNameServiceMessage(announcedName, endpoint.Address, RpmsgNameServiceFlags.Destroy), CancellationToken.None).ConfigureAwait(false);
        }

        int discarded = await endpoint.DrainAsync().ConfigureAwait(false);
        Interlocked.Add(ref _messagesDiscarded, discarded);
        Log.EndpointDestroyed(_logger, endpoint.Address.Value, reason);
    }

    internal bool TrySend(RpmsgEndpoint endpoint, RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        CheckSend(endpoint, destination, payload.Length);
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

        if (cancellationToken.CanBeCanceled)
        {
            return SendLinkedAsync(endpoint, source, destination, payload, cancellationToken);
        }

        // No caller token: the endpoint's own close token is the only one, so the common case allocates nothing.
        ValueTask send = _transport.SendAsync(source, destination, payload, _txTimeout, endpoint.ClosedToken);
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            Interlocked.Increment(ref _messagesSent);
            return default;
        }

        return AwaitSendAsync(send, endpoint, CancellationToken.None);
    }

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

    private async ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (destination == RpmsgAddress.NameService)
        {
            await OnNameServiceMessageAsync(source, payload.Span, cancellationToken).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _messagesReceived);
        RpmsgEndpoint? endpoint;
        lock (_gate)
        {
            _endpoints.TryGetValue(destination.Value, out endpoint);
        }

        if (endpoint is null)
        {
            Interlocked.Increment(ref _messagesDropped);
            Log.NoEndpoint(_logger, destination.Value, source.Value, payload.Length);
            return;
        }

        if (!await endpoint.DeliverAsync(source, payload, _pool, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _messagesDiscarded);
        }
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
