using Rpmsg.Core;

namespace Tmel.Services.Echo;

/// <summary>The typed client of the simulator's diagnostic echo service: sends bytes and returns what comes back.</summary>
/// <remarks>Thread-safe; one request at a time (QMP carries one message in flight per direction, and replies are matched by order).</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The semaphore's wait handle is never created, so it holds nothing to dispose.")]
public sealed class EchoClient
{
    /// <summary>The channel name the echo service is announced under.</summary>
    public const string ChannelName = "tmel-echo";

    private readonly RpmsgEndpoint _endpoint;
    private readonly TimeSpan _responseTimeout;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    internal EchoClient(RpmsgDevice device, TimeSpan responseTimeout)
    {
        _endpoint = device.DefaultEndpoint ?? throw new InvalidOperationException("The echo device has no default endpoint.");
        Device = device;
        _responseTimeout = responseTimeout;
    }

    /// <summary>Gets the device this client talks through.</summary>
    public RpmsgDevice Device { get; }

    /// <summary>Sends <paramref name="payload"/> to the echo service and returns the reply's bytes.</summary>
    /// <param name="payload">Up to the bus's MTU bytes.</param>
    /// <param name="cancellationToken">Ends the call.</param>
    /// <returns>The reply's bytes.</returns>
    /// <exception cref="TimeoutException">No reply arrived within the driver's response timeout.</exception>
    /// <exception cref="RpmsgException">The send failed (link down, transmit timeout), or the device went away (<see cref="RpmsgEndpointClosedException"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than the MTU.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<byte[]> EchoAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _endpoint.SendAsync(payload, cancellationToken).ConfigureAwait(false);
            using RpmsgMessage reply = await ReceiveWithTimeoutAsync(cancellationToken).ConfigureAwait(false);
            return reply.Span.ToArray();
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<RpmsgMessage> ReceiveWithTimeoutAsync(CancellationToken cancellationToken)
    {
        // The timeout cancels the receive itself, so no abandoned wait is left on the endpoint to swallow a later reply.
        using var timeout = new CancellationTokenSource(_responseTimeout, Device.Bus.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _endpoint.ReceiveAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The echo service did not answer within {_responseTimeout.TotalMilliseconds:0.###} ms.");
        }
    }
}
