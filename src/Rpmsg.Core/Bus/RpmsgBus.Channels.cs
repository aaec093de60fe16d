namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    /// <summary>Waits, at most <paramref name="timeout"/> by the bus's clock, for a device with this channel name to be ready.</summary>
    /// <param name="name">The channel name (for example one the peer announces).</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="TimeoutException">No such device appeared within <paramref name="timeout"/>.</exception>
    /// <exception cref="RpmsgException">The bus was disposed while waiting (<see cref="RpmsgError.BusDisposed"/>).</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<RpmsgDevice> WaitForDeviceAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        }

        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await WaitForDeviceAsync(name, cancellationToken).ConfigureAwait(false);
        }

        // The timeout cancels the wait itself, so a timed-out waiter leaves the bus's waiter list at once.
        using var timer = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await WaitForDeviceAsync(name, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No device for channel '{name}' appeared within {timeout.TotalMilliseconds:0.###} ms.");
        }
    }

    /// <summary>Opens an endpoint on a channel by name: waits for the channel's device, then binds a new endpoint to it.</summary>
    /// <param name="name">The channel name.</param>
    /// <param name="timeout">How long to wait for the device, by the bus's clock; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="options">How the endpoint receives; a queue when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>An endpoint with a dynamic address whose default destination is the device's remote address; it closes when the device goes away.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="TimeoutException">No such device appeared within <paramref name="timeout"/>.</exception>
    /// <exception cref="RpmsgException">The bus was disposed, or the device went away before the endpoint was bound.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<RpmsgEndpoint> OpenChannelAsync(string name, TimeSpan timeout, RpmsgEndpointOptions? options = null, CancellationToken cancellationToken = default)
    {
        RpmsgDevice device = await WaitForDeviceAsync(name, timeout, cancellationToken).ConfigureAwait(false);
        return device.CreateEndpoint(RpmsgAddress.Any, options);
    }
}
