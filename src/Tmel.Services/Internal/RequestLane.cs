using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Services.Internal;

/// <summary>
/// The one path of a client's requests to one service: one request at a time, sent from the lane's endpoint and answered
/// by the first message the caller accepts within the response timeout; and the guarantee that the reply to an abandoned
/// request (cancelled or timed out after it may have been delivered) never answers a later request.
/// </summary>
/// <remarks>
/// <para>
/// The services carry no request id: a reply is recognised by the address it comes to. So a lane on a device retires the
/// endpoint of an abandoned request: the endpoint stays open, off the request path, until the late reply arrived there
/// (it is dropped, logged and counted), the device went away, or <see cref="RequestLaneSettings.LateReplyHold"/> passed.
/// Then the endpoint is destroyed and its dynamic address goes back to the bus, which hands it out again only after
/// every other dynamic address (cyclic allocation); a reply later still reaches a closed address and the bus drops,
/// counts and logs it. The next request goes from a fresh endpoint, at once.
/// </para>
/// <para>
/// A lane at a fixed address (the RFC's address 0) cannot change address. There the next request waits until the late
/// reply arrived, the link went down (the peer then never answers), or the hold passed; the wait is bounded by the new
/// request's response timeout and fails with <see cref="RpmsgError.LateReplyPending"/>. A device lane holds at most
/// <see cref="RequestLaneSettings.MaxAbandoned"/> retired endpoints and waits the same way when all are held.
/// </para>
/// <para>
/// Shared-memory buffers of an abandoned request (<see cref="RequestBuffers"/>) are held with it: the service may still
/// write its answer into them, so they are freed only when the late reply arrived, the link or device went away, or the
/// hold passed; never while a later request could be given the same bus address.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never allocates a wait handle (only WaitAsync is used), and the request source's timer is stopped after every request; nothing to release.")]
internal sealed partial class RequestLane
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<HeldRequest> _held = [];
    private readonly RpmsgBus _bus;
    private readonly RpmsgDevice? _device;
    private readonly RpmsgAddress _destination;
    private readonly RequestLaneSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _service;
    private TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously); // guarded by _lock
    private RpmsgEndpoint? _endpoint; // used only by the holder of the turn
    private CancellationTokenSource _requestEnd; // used only by the holder of the turn: response timeout or caller cancelled
    private long _lateReplies;
    private long _holdsExpired;
    private long _unmatched;

    private RequestLane(RpmsgBus bus, RpmsgDevice? device, RpmsgEndpoint? endpoint, RpmsgAddress destination, string service, RequestLaneSettings settings, TimeProvider time, ILogger logger)
    {
        _bus = bus;
        _device = device;
        _endpoint = endpoint;
        _destination = destination;
        _service = service;
        _settings = settings;
        _time = time;
        _logger = logger;
        _requestEnd = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>Gets how many late replies to abandoned requests arrived and were dropped.</summary>
    public long LateReplies => Interlocked.Read(ref _lateReplies);

    /// <summary>Gets how many abandoned requests were let go because no late reply came within the hold.</summary>
    public long HoldsExpired => Interlocked.Read(ref _holdsExpired);

    /// <summary>Gets how many messages reached a request's address that did not answer it (never expected: only its own reply can come there).</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    /// <summary>Gets how many abandoned requests are held now.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Completes once no abandoned request is held (their late replies arrived, or the holds ended).</summary>
    internal async Task WhenNoneHeldAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task settled;
            lock (_lock)
            {
                if (_held.Count == 0)
                {
                    return;
                }

                settled = _settled.Task;
            }

            await settled.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets the endpoint the next request goes from, or <see langword="null"/> until a retired one was replaced.</summary>
    internal RpmsgEndpoint? CurrentEndpoint => _endpoint;

    /// <summary>A lane over a device's channel: requests go from the device's default endpoint, then from fresh dynamic endpoints of the device.</summary>
    public static RequestLane ForDevice(RpmsgDevice device, RequestLaneSettings settings, TimeProvider time, ILogger logger)
    {
        RpmsgEndpoint endpoint = device.DefaultEndpoint
            ?? throw new InvalidOperationException($"Device {device} has no default endpoint.");
        return new RequestLane(device.Bus, device, endpoint, device.Destination, device.Name, settings, time, logger);
    }

    /// <summary>A lane from a fixed endpoint to a fixed destination (the RFC's address 0); it holds at most one abandoned request.</summary>
    public static RequestLane ForFixedAddress(RpmsgBus bus, RpmsgEndpoint endpoint, RpmsgAddress destination, string service, RequestLaneSettings settings, TimeProvider time, ILogger logger) =>
        new(bus, device: null, endpoint, destination, service, settings with { MaxAbandoned = 1 }, time, logger);

    /// <summary>Waits for the lane's one request turn, and for room among the held abandoned requests; dispose the result to give the turn back.</summary>
    /// <exception cref="RpmsgTimeoutException"><see cref="RpmsgError.LateReplyPending"/>: abandoned requests still held after the response timeout.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            return new Turn(this);
        }
        catch
        {
            _turn.Release();
            throw;
        }
    }

    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        Task settled;
        int held;
        lock (_lock)
        {
            held = _held.Count;
            if (held < _settings.MaxAbandoned)
            {
                return;
            }

            settled = _settled.Task;
        }

        Log.WaitingForLateReply(_logger, _service, held);
        using var timeout = new CancellationTokenSource(_settings.ResponseTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        while (true)
        {
            try
            {
                await settled.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller sees its own token, never the linked one.
                cancellationToken.ThrowIfCancellationRequested();
                throw new RpmsgTimeoutException(
                    RpmsgError.LateReplyPending,
                    _settings.ResponseTimeout,
                    _device is null
                        ? $"The request to {_service} was not sent: an earlier request was abandoned and its late reply, which would be taken as this request's answer, has not arrived (nor has the link been reset) within {_settings.ResponseTimeout.TotalMilliseconds:0.###} ms."
                        : $"The request to {_service} was not sent: {_settings.MaxAbandoned} abandoned requests still wait for their late replies after {_settings.ResponseTimeout.TotalMilliseconds:0.###} ms; the service is not answering.");
            }

            lock (_lock)
            {
                if (_held.Count < _settings.MaxAbandoned)
                {
                    return;
                }

                settled = _settled.Task;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RpmsgMessage> RequestAsync(ReadOnlyMemory<byte> request, Func<RpmsgMessage, bool> isReply, RequestBuffers? buffers, CancellationToken cancellationToken)
    {
        // Cancelled before anything was sent: nothing to abandon.
        cancellationToken.ThrowIfCancellationRequested();
        RpmsgEndpoint endpoint = TakeEndpoint();
        DropStale(endpoint);

        // The link session the request belongs to: once it ends, the peer never answers this request.
        CancellationToken linkDown = _bus.LinkDown;

        // The response timeout runs from the hand-over, so it bounds the whole exchange; the send's own wait for room
        // has the bus's transmit timeout. The lane's one reusable source carries both the timeout and, through a
        // registration, the caller's token: no linked source and no timer per request.
        CancellationTokenSource requestEnd = _requestEnd;
        requestEnd.CancelAfter(_settings.ResponseTimeout);
        CancellationTokenRegistration callerLink = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), requestEnd);
        try
        {
            await endpoint.SendToAsync(_destination, request, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                RpmsgMessage message = await endpoint.ReceiveAsync(requestEnd.Token).ConfigureAwait(false);
                bool accepted;
                try
                {
                    accepted = isReply(message);
                }
                catch
                {
                    message.Dispose();
                    throw;
                }

                if (accepted)
                {
                    return message;
                }

                Interlocked.Increment(ref _unmatched);
                Log.UnmatchedDropped(_logger, _service, endpoint.Address.Value, message.Length);
                message.Dispose();
            }
        }
        catch (Exception ex) when (MayBeAnsweredLater(ex))
        {
            Abandon(endpoint, buffers?.Detach(), linkDown);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && requestEnd.IsCancellationRequested)
            {
                Log.ResponseTimedOut(_logger, _service, _settings.ResponseTimeout.TotalMilliseconds);
                throw new RpmsgTimeoutException(
                    RpmsgError.ResponseTimeout,
                    _settings.ResponseTimeout,
                    $"{_service} did not answer within {_settings.ResponseTimeout.TotalMilliseconds:0.###} ms; the request was delivered and may have been carried out.");
            }

            // The caller sees its own token, never the lane's.
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        finally
        {
            // Waits for a caller's cancellation that is running now, so the reset below cannot be undone by it.
            callerLink.Dispose();
            if (!requestEnd.TryReset())
            {
                // It fired (timeout or the caller): a fired source cannot be reused.
                requestEnd.Dispose();
                _requestEnd = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            }
        }
    }

    /// <summary>
    /// Whether a failure leaves the request possibly delivered, so that its reply may still come: a cancellation or
    /// timeout (during the send or the wait for the reply), or the link going down during the send. A transmit timeout
    /// means the message was not delivered; a closed endpoint ends the lane's device; a protocol error was the answer.
    /// </summary>
    private static bool MayBeAnsweredLater(Exception exception) =>
        exception is OperationCanceledException
        || (exception is RpmsgException { Error: RpmsgError.LinkDown } and not RpmsgEndpointClosedException);

    private RpmsgEndpoint TakeEndpoint()
    {
        if (_endpoint is { IsClosed: false } || _device is null)
        {
            return _endpoint!;
        }

        try
        {
            _endpoint = _device.CreateEndpoint(RpmsgAddress.Any);
        }
        catch (ObjectDisposedException)
        {
            throw new RpmsgEndpointClosedException(RpmsgError.BusDisposed, _endpoint?.Address ?? RpmsgAddress.Any);
        }

        Log.FreshEndpoint(_logger, _service, _endpoint.Address.Value);
        return _endpoint;
    }

    private void DropStale(RpmsgEndpoint endpoint)
    {
        while (endpoint.TryReceive(out RpmsgMessage? stale))
        {
            using (stale)
            {
                Interlocked.Increment(ref _unmatched);
                Log.StaleDropped(_logger, _service, endpoint.Address.Value, stale.Length);
            }
        }
    }

    private void Abandon(RpmsgEndpoint endpoint, RequestBuffers? buffers, CancellationToken linkDown)
    {
        var held = new HeldRequest(endpoint, buffers);
        lock (_lock)
        {
            _held.Add(held);
        }

        if (_device is not null && ReferenceEquals(_endpoint, endpoint))
        {
            // Retired: the next request goes from a fresh address.
            _endpoint = null;
        }

        Log.Abandoned(_logger, _service, endpoint.Address.Value, _settings.LateReplyHold.TotalMilliseconds);
        _ = HoldAsync(held, linkDown);
    }

    /// <summary>Holds an abandoned request until its late reply arrives, the link or device goes away, or the hold passes; never throws.</summary>
    private async Task HoldAsync(HeldRequest held, CancellationToken linkDown)
    {
        using var expiry = new CancellationTokenSource(_settings.LateReplyHold, _time);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token, linkDown, _device?.Removed ?? CancellationToken.None);
        try
        {
            using RpmsgMessage late = await held.Endpoint.ReceiveAsync(ended.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _lateReplies);
            Log.LateReplyDropped(_logger, _service, held.Endpoint.Address.Value, late.Length);
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !linkDown.IsCancellationRequested)
        {
            Interlocked.Increment(ref _holdsExpired);
            Log.HoldExpired(_logger, _service, held.Endpoint.Address.Value, _settings.LateReplyHold.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpmsgEndpointClosedException)
        {
            // The link or the device went away: the peer will never answer.
        }
        finally
        {
            await SettleAsync(held).ConfigureAwait(false);
        }
    }

    private async ValueTask SettleAsync(HeldRequest held)
    {
        if (_device is not null)
        {
            await held.Endpoint.DisposeAsync().ConfigureAwait(false);
        }

        held.Buffers?.Release();
        TaskCompletionSource settled;
        lock (_lock)
        {
            _held.Remove(held);
            settled = _settled;
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        settled.TrySetResult();
    }

    /// <summary>The lane's request turn, held by one caller at a time.</summary>
    public readonly struct Turn : IDisposable
    {
        private readonly RequestLane _lane;

        internal Turn(RequestLane lane) => _lane = lane;

        /// <summary>Sends <paramref name="request"/> and returns the first message <paramref name="isReply"/> accepts; the caller owns it.</summary>
        /// <param name="request">The request's bytes.</param>
        /// <param name="isReply">Whether a message on the lane's endpoint answers the request; others are dropped and logged. May throw to fail the request.</param>
        /// <param name="buffers">The request's shared-memory buffers; if the request is abandoned, the lane takes them over and frees them once the service cannot write them any more.</param>
        /// <param name="cancellationToken">Ends the call.</param>
        /// <exception cref="RpmsgTimeoutException"><see cref="RpmsgError.ResponseTimeout"/>: no answer in time; <see cref="RpmsgError.TxTimeout"/>: not sent.</exception>
        /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
        /// <exception cref="RpmsgException">The link is down.</exception>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public ValueTask<RpmsgMessage> RequestAsync(ReadOnlyMemory<byte> request, Func<RpmsgMessage, bool> isReply, RequestBuffers? buffers, CancellationToken cancellationToken) =>
            _lane.RequestAsync(request, isReply, buffers, cancellationToken);

        public void Dispose() => _lane?._turn.Release();
    }

    private sealed record HeldRequest(RpmsgEndpoint Endpoint, RequestBuffers? Buffers);
}
