using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Simulator;

/// <summary>
/// Serves one endpoint: every message is turned into its reply, which goes back to the sender with the waiting send (QMP
/// carries one message at a time, so a reply waits until the previous one was consumed). A reply that cannot be delivered
/// is logged; the loop goes on until the endpoint is disposed.
/// </summary>
internal sealed partial class ServiceEndpointLoop : IAsyncDisposable
{
    private readonly RpmsgEndpoint _endpoint;
    private readonly Func<RpmsgMessage, ReadOnlyMemory<byte>> _respond;
    private readonly ILogger _logger;
    private readonly string _channelName;
    private readonly Task _loop;

    /// <param name="endpoint">The endpoint to serve.</param>
    /// <param name="channelName">The channel name for telemetry (the announced name, or what the address stands for).</param>
    /// <param name="respond">Turns a request into its reply; the reply may be the request's own bytes (it is sent before the request is released). Never throws.</param>
    /// <param name="logger">Where the loop logs.</param>
    public ServiceEndpointLoop(RpmsgEndpoint endpoint, string channelName, Func<RpmsgMessage, ReadOnlyMemory<byte>> respond, ILogger logger)
    {
        _endpoint = endpoint;
        _channelName = channelName;
        _respond = respond;
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
                // One Consumer span per request, current while the reply is sent: request and reply are one trace.
                using Activity? span = RpmsgTelemetry.StartProcessActivity(request, _channelName);
                using (request)
                {
                    try
                    {
                        await _endpoint.SendToAsync(request.Source, _respond(request)).ConfigureAwait(false);
                    }
                    catch (RpmsgException ex) when (ex is not RpmsgEndpointClosedException)
                    {
                        // Any failure of one reply (link down, a fragment not taken, a consumption the peer never
                        // confirmed) ends that reply only: the service goes on serving the next request.
                        Log.ReplyFailed(_logger, _channelName, request.Source.Value, ex);
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
        [LoggerMessage(4101, LogLevel.Warning, "Service {Channel}: the reply to {Source} was not delivered.")]
        public static partial void ReplyFailed(ILogger logger, string channel, uint source, Exception exception);
    }
}
