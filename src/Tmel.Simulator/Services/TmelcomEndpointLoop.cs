using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator;

/// <summary>
/// Serves TMELCOM on one endpoint: every message is handed to a handler and its reply sent back to the sender, with the
/// waiting send (QMP carries one message at a time). A reply that cannot be delivered is logged; the loop goes on.
/// </summary>
internal sealed partial class TmelcomEndpointLoop : IAsyncDisposable
{
    private readonly RpmsgEndpoint _endpoint;
    private readonly ITmelcomHandler _handler;
    private readonly ILogger _logger;
    private readonly string _channelName;
    private readonly Task _loop;

    /// <param name="endpoint">The endpoint to serve.</param>
    /// <param name="channelName">The channel name for telemetry (the announced name, or what the address stands for).</param>
    /// <param name="handler">Turns each request into its reply.</param>
    /// <param name="logger">Where the loop logs.</param>
    public TmelcomEndpointLoop(RpmsgEndpoint endpoint, string channelName, ITmelcomHandler handler, ILogger logger)
    {
        _endpoint = endpoint;
        _channelName = channelName;
        _handler = handler;
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
        byte[] reply = new byte[TmelcomPacket.Size];
        try
        {
            await foreach (RpmsgMessage request in _endpoint.ReadAllAsync().ConfigureAwait(false))
            {
                // One Consumer span per request, current while the reply is sent: request and reply are one trace.
                using Activity? span = RpmsgTelemetry.StartProcessActivity(request, _channelName);
                RpmsgAddress source;
                using (request)
                {
                    source = request.Source;
                    HandleGuarded(request.Span, reply);
                }

                try
                {
                    await _endpoint.SendToAsync(source, reply).ConfigureAwait(false);
                }
                catch (RpmsgException ex) when (ex.Error is RpmsgError.LinkDown or RpmsgError.TxTimeout)
                {
                    Log.ReplyFailed(_logger, _endpoint.Address.Value, source.Value, ex);
                }
            }
        }
        catch (RpmsgEndpointClosedException)
        {
            // Disposed while a reply awaited the peer's confirmation, or the bus went away.
        }
    }

    private void HandleGuarded(ReadOnlySpan<byte> request, Span<byte> reply)
    {
        try
        {
            _handler.Handle(request, reply);
        }
#pragma warning disable CA1031 // A service bug must not stop the service loop; the peer hears TMELCOM_FAILURE.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, _endpoint.Address.Value, ex);
            ushort uid = request.Length >= 3 ? TmelcomUid.Create(request[1], request[2]) : (ushort)0;
            TmelcomPacket.Encode(TmelcomPacket.CreateInline(uid, [], (sbyte)TmelStatus.TmelcomFailure), reply);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4102, LogLevel.Error, "TMELCOM endpoint {Address}: the service failed on a request; answered TMELCOM_FAILURE.")]
        public static partial void HandlerFailed(ILogger logger, uint address, Exception exception);

        [LoggerMessage(4101, LogLevel.Warning, "TMELCOM endpoint {Address}: the reply to {Source} was not delivered.")]
        public static partial void ReplyFailed(ILogger logger, uint address, uint source, Exception exception);
    }
}
