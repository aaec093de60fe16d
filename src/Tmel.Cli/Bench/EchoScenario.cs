using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>One rpmsg round trip: the client sends, a queued service endpoint on the peer bus answers with the waiting send, the client receives.</summary>
/// <remarks>The service is <see cref="BenchEchoService"/>.</remarks>
internal sealed class EchoScenario(BenchTransport transport, int payloadSize) : BenchScenario
{
    private readonly byte[] _payload = new byte[payloadSize];
    private BenchBusPair? _pair;
    private RpmsgEndpoint? _client;
    private RpmsgEndpoint? _service;
    private Task _echo = Task.CompletedTask;

    public override string Name => $"{transport.ToString().ToLowerInvariant()} echo";

    public override BenchTransport Transport => transport;

    public override int PayloadSize => _payload.Length;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(_payload);
        _pair = await BenchBusPair.CreateAsync(transport, cancellationToken).ConfigureAwait(false);
        _service = _pair.Service.CreateEndpoint(RpmsgAddress.Any);
        _client = _pair.Client.CreateEndpoint(RpmsgAddress.Any);
        RpmsgEndpoint service = _service;
        _echo = Task.Run(() => BenchEchoService.RunAsync(service), CancellationToken.None);
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = _client!;
        RpmsgAddress service = _service!.Address;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(service, _payload, CancellationToken.None).ConfigureAwait(false);
            using RpmsgMessage reply = await client.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            if (reply.Length != _payload.Length)
            {
                throw new InvalidOperationException($"Expected a {_payload.Length}-byte reply, got {reply.Length} bytes.");
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync().ConfigureAwait(false);
        }

        await _echo.ConfigureAwait(false);
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_pair is not null)
        {
            await _pair.DisposeAsync().ConfigureAwait(false);
        }
    }
}
