using System.Threading.Channels;

namespace Tmel.Cli.Bench;

/// <summary>The baseline: a request written to one bounded channel, moved by an echo task to a second, awaited there. Nothing is copied.</summary>
internal sealed class ChannelPingPongScenario(int payloadSize) : BenchScenario
{
    private readonly Channel<ReadOnlyMemory<byte>> _requests = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly Channel<ReadOnlyMemory<byte>> _replies = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly byte[] _payload = new byte[payloadSize];
    private Task _echo = Task.CompletedTask;

    public override string Name => "channel ping-pong";

    public override BenchTransport Transport => BenchTransport.Channels;

    public override int PayloadSize => _payload.Length;

    public override Task SetupAsync(CancellationToken cancellationToken)
    {
        _echo = Task.Run(async () =>
        {
            await foreach (ReadOnlyMemory<byte> request in _requests.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await _replies.Writer.WriteAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        for (int i = 0; i < operations; i++)
        {
            await _requests.Writer.WriteAsync(_payload, CancellationToken.None).ConfigureAwait(false);
            await _replies.Reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _echo.ConfigureAwait(false);
    }
}
