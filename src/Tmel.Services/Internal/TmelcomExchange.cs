using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Internal;

/// <summary>
/// One TMELCOM request and its reply on a device's endpoint: send the 24-byte packet, wait for the packet that answers it
/// within the response timeout. One exchange runs at a time per endpoint (<see cref="EnterAsync"/>).
/// </summary>
/// <remarks>
/// TMELCOM carries no request id. A reply is the next packet with the request's UID and, when both are pointer packets,
/// the request's pointer and length. Anything else queued or arriving meanwhile (a late reply to a request that timed out
/// or was cancelled) is dropped and logged; stale packets are drained before each request.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never allocates a wait handle (only WaitAsync is used); nothing to release.")]
internal sealed partial class TmelcomExchange
{
    private readonly RpmsgEndpoint _endpoint;
    private readonly TimeSpan _responseTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public TmelcomExchange(RpmsgEndpoint endpoint, TimeSpan responseTimeout, TimeProvider time, ILogger logger)
    {
        _endpoint = endpoint;
        _responseTimeout = responseTimeout;
        _time = time;
        _logger = logger;
    }

    public RpmsgEndpoint Endpoint => _endpoint;

    /// <summary>Waits for this endpoint's one request slot; dispose the result to give it back.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_gate);
    }

    /// <summary>Sends <paramref name="request"/> and returns the packet that answers it; the caller holds the slot.</summary>
    /// <exception cref="RpmsgTimeoutException"><see cref="RpmsgError.ResponseTimeout"/>: no answer in time.</exception>
    /// <exception cref="RpmsgProtocolException">The answer is not a TMELCOM packet.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed, or the bus disposed.</exception>
    /// <exception cref="RpmsgException">The link is down, or the send timed out.</exception>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled.</exception>
    public async Task<TmelcomPacket> ExchangeAsync(TmelcomPacket request, CancellationToken cancellationToken)
    {
        while (_endpoint.TryReceive(out RpmsgMessage? stale))
        {
            using (stale)
            {
                Log.StaleDropped(_logger, request.Uid, stale.Length);
            }
        }

        byte[] bytes = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(request, bytes);

        // The response timeout runs from the hand-over, so it bounds the whole exchange; the send's own wait for room
        // has the bus's transmit timeout.
        using var timeout = new CancellationTokenSource(_responseTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await _endpoint.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            RpmsgMessage message;
            try
            {
                message = await _endpoint.ReceiveAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
            {
                Log.ResponseTimedOut(_logger, request.Uid, _responseTimeout.TotalMilliseconds);
                throw new RpmsgTimeoutException(
                    RpmsgError.ResponseTimeout,
                    _responseTimeout,
                    $"TME-L did not answer request {request} within {_responseTimeout.TotalMilliseconds:0.###} ms; it was delivered and may have been carried out.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }

            TmelcomPacket reply;
            using (message)
            {
                reply = TmelcomPacket.Decode(message.Span);
            }

            if (Answers(request, reply))
            {
                return reply;
            }

            Log.UnmatchedDropped(_logger, request.Uid, reply.Uid);
        }
    }

    private static bool Answers(TmelcomPacket request, TmelcomPacket reply) =>
        reply.Uid == request.Uid
        && (reply.IpcType != TmelcomIpcType.Sram || request.IpcType != TmelcomIpcType.Sram
            || (reply.PayloadAddress == request.PayloadAddress && reply.PayloadLength == request.PayloadLength));

    /// <summary>The held request slot.</summary>
    public readonly struct Slot(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    /// <summary>Event ids 3000-3099: the TMELCOM request path shared by the service clients.</summary>
    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Warning, "A stale {Length}-byte message was dropped before TMELCOM request 0x{Uid:X4} (a late reply to an earlier request that timed out or was cancelled).")]
        public static partial void StaleDropped(ILogger logger, ushort uid, int length);

        [LoggerMessage(3001, LogLevel.Warning, "A TMELCOM packet for 0x{ReplyUid:X4} that does not answer request 0x{Uid:X4} was dropped.")]
        public static partial void UnmatchedDropped(ILogger logger, ushort uid, ushort replyUid);

        [LoggerMessage(3002, LogLevel.Error, "TMELCOM request 0x{Uid:X4} got no answer within {TimeoutMs} ms.")]
        public static partial void ResponseTimedOut(ILogger logger, ushort uid, double timeoutMs);
    }
}
