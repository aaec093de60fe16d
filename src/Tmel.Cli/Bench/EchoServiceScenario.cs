using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>A round trip against a queued echo endpoint on the peer bus (<see cref="BenchEchoService"/>): the bus pair, the
/// service endpoint and its loop, set up and torn down for each client kind.</summary>
internal abstract class EchoServiceScenario(BenchTransport transport, int payloadSize) : BenchScenario
{
    private BenchBusPair? _pair;
    private RpmsgEndpoint? _service;
    private Task _echo = Task.CompletedTask;

    public override BenchTransport Transport => transport;

    public override int PayloadSize => Payload.Length;

    /// <summary>Gets the request's bytes (random, made once).</summary>
    protected byte[] Payload { get; } = new byte[payloadSize];

    public sealed override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(Payload);
        _pair = await BenchBusPair.CreateAsync(transport, cancellationToken).ConfigureAwait(false);
        _service = _pair.Service.CreateEndpoint(RpmsgAddress.Any);
        RpmsgEndpoint service = _service;
        _echo = Task.Run(() => BenchEchoService.RunAsync(service), CancellationToken.None);
        await SetupClientAsync(_pair.Client, service.Address, cancellationToken).ConfigureAwait(false);
    }

    public sealed override async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync().ConfigureAwait(false);
        }

        await _echo.ConfigureAwait(false);
        await DisposeClientAsync().ConfigureAwait(false);
        if (_pair is not null)
        {
            await _pair.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sets up the client on <paramref name="client"/>, the bus facing the service at <paramref name="service"/>.</summary>
    protected abstract Task SetupClientAsync(RpmsgBus client, RpmsgAddress service, CancellationToken cancellationToken);

    /// <summary>Releases the client, after the service stopped and before the buses go.</summary>
    protected abstract ValueTask DisposeClientAsync();
}
