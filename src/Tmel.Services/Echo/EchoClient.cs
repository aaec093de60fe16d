using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Internal;

namespace Tmel.Services.Echo;

/// <summary>The typed client of the simulator's diagnostic echo service: sends bytes and returns what comes back.</summary>
/// <remarks>
/// Thread-safe; one request at a time (QMP carries one message in flight per direction, and a reply is the next message to
/// the request's address). A request abandoned after it may have been delivered (cancelled, timed out) retires its
/// address, so its late reply can never be returned to a later call (docs/late-replies.md).
/// </remarks>
public sealed class EchoClient
{
    /// <summary>The channel name the echo service is announced under.</summary>
    public const string ChannelName = "tmel-echo";

    private readonly RequestLane _lane;

    internal EchoClient(RpmsgDevice device, RequestLaneSettings settings, ILogger logger)
    {
        Device = device;
        _lane = RequestLane.ForDevice(device, settings, device.Bus.TimeProvider, logger);
    }

    /// <summary>Gets the device this client talks through.</summary>
    public RpmsgDevice Device { get; }

    internal RequestLane Lane => _lane;

    /// <summary>Sends <paramref name="payload"/> to the echo service and returns the reply's bytes.</summary>
    /// <param name="payload">Up to the bus's MTU bytes.</param>
    /// <param name="cancellationToken">Ends the call.</param>
    /// <returns>The reply's bytes.</returns>
    /// <exception cref="RpmsgTimeoutException">No reply within the driver's response timeout (<see cref="RpmsgError.ResponseTimeout"/>), no transmit room (<see cref="RpmsgError.TxTimeout"/>), or earlier abandoned requests still wait for their late replies (<see cref="RpmsgError.LateReplyPending"/>; not sent).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device went away, or the bus was disposed.</exception>
    /// <exception cref="RpmsgException">The link is down.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than the MTU.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<byte[]> EchoAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > Device.Bus.Mtu)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"The payload is {payload.Length} bytes; the bus carries at most {Device.Bus.Mtu}.");
        }

        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        using RpmsgMessage reply = await turn.RequestAsync(payload, static _ => true, buffers: null, cancellationToken).ConfigureAwait(false);
        return reply.Span.ToArray();
    }

    /// <summary>Sends <paramref name="payload"/> to the echo service and copies the reply's bytes into <paramref name="destination"/>; allocates nothing in steady state.</summary>
    /// <param name="payload">Up to the bus's MTU bytes.</param>
    /// <param name="destination">Where the reply's bytes go.</param>
    /// <param name="cancellationToken">Ends the call.</param>
    /// <returns>The reply's length in bytes.</returns>
    /// <exception cref="RpmsgTimeoutException">No reply within the driver's response timeout (<see cref="RpmsgError.ResponseTimeout"/>), no transmit room (<see cref="RpmsgError.TxTimeout"/>), or earlier abandoned requests still wait for their late replies (<see cref="RpmsgError.LateReplyPending"/>; not sent).</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device went away, or the bus was disposed.</exception>
    /// <exception cref="RpmsgException">The link is down.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than the MTU.</exception>
    /// <exception cref="ArgumentException">The reply is longer than <paramref name="destination"/>; it was received and dropped.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> EchoAsync(ReadOnlyMemory<byte> payload, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (payload.Length > Device.Bus.Mtu)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"The payload is {payload.Length} bytes; the bus carries at most {Device.Bus.Mtu}.");
        }

        using RequestLane.Turn turn = await _lane.EnterAsync(cancellationToken).ConfigureAwait(false);
        using RpmsgMessage reply = await turn.RequestAsync(payload, static _ => true, buffers: null, cancellationToken).ConfigureAwait(false);
        if (reply.Length > destination.Length)
        {
            throw new ArgumentException($"The reply is {reply.Length} bytes; the destination holds {destination.Length}.", nameof(destination));
        }

        reply.Span.CopyTo(destination.Span);
        return reply.Length;
    }
}
