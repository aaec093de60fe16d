using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>One rpmsg round trip: the client sends, a queued service endpoint on the peer bus answers with the waiting send, the client receives.</summary>
/// <remarks>The service is <see cref="BenchEchoService"/>.</remarks>
internal sealed class EchoScenario(BenchTransport transport, int payloadSize) : EchoServiceScenario(transport, payloadSize)
{
    private RpmsgEndpoint? _client;
    private RpmsgAddress _service;

    public override string Name => $"{Transport.ToString().ToLowerInvariant()} echo";

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = _client!;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(_service, Payload, CancellationToken.None).ConfigureAwait(false);
            using RpmsgMessage reply = await client.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            if (reply.Length != Payload.Length)
            {
                throw new InvalidOperationException($"Expected a {Payload.Length}-byte reply, got {reply.Length} bytes.");
            }
        }
    }

    protected override Task SetupClientAsync(RpmsgBus client, RpmsgAddress service, CancellationToken cancellationToken)
    {
        _service = service;
        _client = client.CreateEndpoint(RpmsgAddress.Any);
        return Task.CompletedTask;
    }

    protected override ValueTask DisposeClientAsync() => _client?.DisposeAsync() ?? default;
}
