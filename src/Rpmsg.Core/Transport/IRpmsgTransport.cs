namespace Rpmsg.Core;

/// <summary>The seam between an <see cref="RpmsgBus"/> and the link below it (QMP, loopback, ...).</summary>
/// <remarks>
/// <para>A transport carries frames (source address, destination address, payload) to one peer bus.
/// It is owned by exactly one bus, which calls <see cref="Start"/> once and disposes it with itself.</para>
/// <para>Transmit room: <see cref="TrySend"/> returns <see langword="false"/> when no room is free right now and
/// otherwise hands the frame over; <see cref="SendAsync"/> waits for room up to its timeout and completes when the
/// transport's delivery guarantee is met (for QMP: the peer consumed the frame). When <see cref="SendAsync"/> fails
/// with a timeout or a cancellation before the frame was taken, the frame was not and will not be sent.</para>
/// <para>Delivery: the transport calls its <see cref="IRpmsgTransportHandler"/> from one logical sequence,
/// never concurrently, in the order the peer sent, with link-state changes in order with the frames.</para>
/// </remarks>
public interface IRpmsgTransport : IAsyncDisposable
{
    /// <summary>Gets the largest payload, in bytes, that one frame can carry.</summary>
    int Mtu { get; }

    /// <summary>Gets the highest address this transport can carry in a frame.</summary>
    RpmsgAddress MaxAddress { get; }

    /// <summary>Gets a value indicating whether the link to the peer is up.</summary>
    bool IsLinkUp { get; }

    /// <summary>Attaches the handler that receives frames and link-state changes, and starts the transport.</summary>
    /// <param name="handler">The receiver of this transport's events (the bus).</param>
    /// <exception cref="InvalidOperationException">The transport was already started.</exception>
    void Start(IRpmsgTransportHandler handler);

    /// <summary>Queues a frame if there is transmit room now; never waits.</summary>
    /// <param name="source">The sending endpoint's address.</param>
    /// <param name="destination">The receiving endpoint's address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; copied before the method returns.</param>
    /// <returns><see langword="true"/> if the frame was taken; <see langword="false"/> if there is no room now.</returns>
    /// <exception cref="RpmsgException">The link is down (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is over the MTU, or an address is above <see cref="MaxAddress"/>.</exception>
    bool TrySend(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload);

    /// <summary>Sends a frame, waiting for transmit room, and completes when the transport's delivery guarantee is met.</summary>
    /// <param name="source">The sending endpoint's address.</param>
    /// <param name="destination">The receiving endpoint's address.</param>
    /// <param name="payload">At most <see cref="Mtu"/> bytes; must stay unchanged until the task completes.</param>
    /// <param name="timeout">How long to wait for transmit room (<see cref="Timeout.InfiniteTimeSpan"/> for no limit).</param>
    /// <param name="cancellationToken">Ends the wait; a frame not yet taken is then not sent.</param>
    /// <returns>
    /// A task that completes when the frame was delivered as far as the transport can tell: queued to the peer for the
    /// loopback, consumed by the peer for QMP.
    /// </returns>
    /// <exception cref="RpmsgTimeoutException">No transmit room became free within <paramref name="timeout"/>; the frame was not sent.</exception>
    /// <exception cref="RpmsgException">The link is down or went down while waiting (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is over the MTU, or an address is above <see cref="MaxAddress"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    ValueTask SendAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken);
}
