using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>The echo service of the echo scenarios: a queued endpoint on the peer bus that answers every request with the waiting send.</summary>
/// <remarks>It answers from a queue with the waiting send, not from a callback with trysend: QMP carries one message in
/// flight per direction, and its send completes only when the peer consumed the message.</remarks>
internal static class BenchEchoService
{
    /// <summary>Echoes every request until <paramref name="service"/> is disposed.</summary>
    public static async Task RunAsync(RpmsgEndpoint service)
    {
        try
        {
            await foreach (RpmsgMessage request in service.ReadAllAsync().ConfigureAwait(false))
            {
                using (request)
                {
                    await service.SendToAsync(request.Source, request.Payload).ConfigureAwait(false);
                }
            }
        }
        catch (RpmsgEndpointClosedException)
        {
            // Disposed while a reply still waited for the peer to consume it.
        }
    }
}
