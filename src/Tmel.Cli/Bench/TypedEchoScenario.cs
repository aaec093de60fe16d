using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Cli.Bench;

/// <summary>
/// The product path: <see cref="EchoClient"/> (the typed client a user holds) with a cancelable token, as a user passes one,
/// against a queued echo endpoint on the peer bus that answers with the waiting send.
/// </summary>
/// <remarks>The client copies each reply into one reusable buffer (<see cref="EchoClient.EchoAsync(ReadOnlyMemory{byte}, Memory{byte}, CancellationToken)"/>),
/// so what it allocates is the request path's own.</remarks>
internal sealed class TypedEchoScenario(BenchTransport transport, int payloadSize) : EchoServiceScenario(transport, payloadSize)
{
    private static readonly TimeSpan s_bindTimeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _reply = new byte[payloadSize];
    private readonly CancellationTokenSource _user = new();
    private EchoClient? _client;

    public override string Name => $"{Transport.ToString().ToLowerInvariant()} EchoClient+token";

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        EchoClient client = _client!;
        CancellationToken token = _user.Token;
        for (int i = 0; i < operations; i++)
        {
            int length = await client.EchoAsync(Payload, _reply, token).ConfigureAwait(false);
            if (length != Payload.Length)
            {
                throw new InvalidOperationException($"Expected a {Payload.Length}-byte reply, got {length} bytes.");
            }
        }
    }

    protected override async Task SetupClientAsync(RpmsgBus client, RpmsgAddress service, CancellationToken cancellationToken)
    {
        var driver = new EchoDriver();
        await client.RegisterDriverAsync(driver, cancellationToken).ConfigureAwait(false);
        await client.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, service, cancellationToken).ConfigureAwait(false);
        _client = await driver.WaitForClientAsync(s_bindTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    protected override ValueTask DisposeClientAsync()
    {
        _user.Dispose();
        return default;
    }
}
