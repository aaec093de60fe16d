using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// The baseline every round-trip benchmark reports against: the floor cost of a cross-thread request/response in
/// process. The caller writes a <see cref="ReadOnlyMemory{T}"/> to bounded channel A, an echo task moves it to channel B,
/// and the caller awaits B. Nothing is copied.
/// </summary>
public sealed class ChannelPingPongBaseline : IAsyncDisposable
{
    private readonly Channel<ReadOnlyMemory<byte>> _requests;
    private readonly Channel<ReadOnlyMemory<byte>> _responses;
    private readonly Task _echo;

    /// <summary>Creates both channels and starts the echo task.</summary>
    public ChannelPingPongBaseline()
    {
        var options = new BoundedChannelOptions(16)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        };
        _requests = Channel.CreateBounded<ReadOnlyMemory<byte>>(options);
        _responses = Channel.CreateBounded<ReadOnlyMemory<byte>>(options);
        _echo = Task.Run(EchoAsync);
    }

    /// <summary>Runs <paramref name="count"/> round trips of <paramref name="payload"/>.</summary>
    /// <param name="payload">The request.</param>
    /// <param name="count">How many round trips.</param>
    /// <returns>A task that completes after the last response.</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RoundTripsAsync(ReadOnlyMemory<byte> payload, int count)
    {
        ChannelWriter<ReadOnlyMemory<byte>> requests = _requests.Writer;
        ChannelReader<ReadOnlyMemory<byte>> responses = _responses.Reader;
        for (int i = 0; i < count; i++)
        {
            await requests.WriteAsync(payload);
            ReadOnlyMemory<byte> response = await responses.ReadAsync();
            if (response.Length != payload.Length)
            {
                throw new InvalidOperationException($"Expected a {payload.Length}-byte response, got {response.Length} bytes.");
            }
        }
    }

    /// <summary>Stops the echo task.</summary>
    /// <returns>A task that completes when the echo task ended.</returns>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _echo;
    }

    private async Task EchoAsync()
    {
        ChannelReader<ReadOnlyMemory<byte>> requests = _requests.Reader;
        while (await requests.WaitToReadAsync().ConfigureAwait(false))
        {
            while (requests.TryRead(out ReadOnlyMemory<byte> request))
            {
                await _responses.Writer.WriteAsync(request).ConfigureAwait(false);
            }
        }

        _responses.Writer.TryComplete();
    }
}
