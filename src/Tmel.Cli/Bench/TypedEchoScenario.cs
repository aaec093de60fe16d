using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Cli.Bench;

/// <summary>
/// The product path: <see cref="EchoClient"/> (the typed client a user holds) with a cancelable token, as a user passes one,
/// against a queued echo endpoint on the peer bus that answers with the waiting send.
/// </summary>
/// <remarks>The client copies each reply into one reusable buffer (<see cref="EchoClient.EchoAsync(ReadOnlyMemory{byte}, Memory{byte}, CancellationToken)"/>),
/// so what it allocates is the request path's own.</remarks>
internal sealed class TypedEchoScenario(BenchTransport transport, int payloadSize) : BenchScenario
{
    private static readonly TimeSpan s_bindTimeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _payload = new byte[payloadSize];
    private readonly byte[] _reply = new byte[payloadSize];
    private readonly CancellationTokenSource _user = new();
    private BenchBusPair? _pair;
    private RpmsgEndpoint? _service;
    private EchoClient? _client;
    private Task _echo = Task.CompletedTask;

    public override string Name => $"{transport.ToString().ToLowerInvariant()} EchoClient+token";

    public override BenchTransport Transport => transport;

    public override int PayloadSize => _payload.Length;

    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(_payload);
        _pair = await BenchBusPair.CreateAsync(transport, cancellationToken).ConfigureAwait(false);
        _service = _pair.Service.CreateEndpoint(RpmsgAddress.Any);
        RpmsgEndpoint service = _service;
        _echo = Task.Run(() => BenchEchoService.RunAsync(service), CancellationToken.None);
        var driver = new EchoDriver();
        await _pair.Client.RegisterDriverAsync(driver, cancellationToken).ConfigureAwait(false);
        await _pair.Client.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, service.Address, cancellationToken).ConfigureAwait(false);
        _client = await driver.WaitForClientAsync(s_bindTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        EchoClient client = _client!;
        CancellationToken token = _user.Token;
        for (int i = 0; i < operations; i++)
        {
            int length = await client.EchoAsync(_payload, _reply, token).ConfigureAwait(false);
            if (length != _payload.Length)
            {
                throw new InvalidOperationException($"Expected a {_payload.Length}-byte reply, got {length} bytes.");
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
        if (_pair is not null)
        {
            await _pair.DisposeAsync().ConfigureAwait(false);
        }

        _user.Dispose();
    }
}
