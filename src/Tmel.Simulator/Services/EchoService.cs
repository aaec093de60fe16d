using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Simulator;

/// <summary>The diagnostic echo service: answers every message with the same bytes, to the sender.</summary>
/// <remarks>
/// A queued endpoint with one loop and the waiting send: QMP carries one message at a time, and a reply must wait until
/// the previous one was consumed. A reply that fails (the link went down) is logged; the loop goes on.
/// </remarks>
internal sealed partial class EchoService : IAsyncDisposable
{
    private readonly RpmsgEndpoint _endpoint;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EchoService(RpmsgBus bus, ILogger logger)
    {
        _endpoint = bus.CreateEndpoint(RpmsgAddress.Any);
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public RpmsgEndpoint Endpoint => _endpoint;

    public async ValueTask DisposeAsync()
    {
        await _endpoint.DisposeAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (RpmsgMessage request in _endpoint.ReadAllAsync().ConfigureAwait(false))
            {
                using (request)
                using (RpmsgTelemetry.StartProcessActivity(request, TmelSimulator.EchoChannel))
                {
                    try
                    {
                        await _endpoint.SendToAsync(request.Source, request.Payload).ConfigureAwait(false);
                    }
                    catch (RpmsgException ex) when (ex.Error is RpmsgError.LinkDown or RpmsgError.TxTimeout)
                    {
                        Log.ReplyFailed(_logger, request.Source.Value, request.Length, ex);
                    }
                }
            }
        }
        catch (RpmsgEndpointClosedException)
        {
            // Disposed while a reply awaited the peer's confirmation, or the bus went away.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Warning, "Echo: the reply of {Length} bytes to {Source} was not delivered.")]
        public static partial void ReplyFailed(ILogger logger, uint source, int length, Exception exception);
    }
}
