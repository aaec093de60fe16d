using Rpmsg.Core;

namespace Tmel.Simulator.Hosting;

/// <summary>
/// The benchmark's one-way target in the simulator process: an endpoint announced as <see cref="Channel"/> that consumes every
/// message in its receive callback (counts it) and answers nothing, so a client's send over QMP completes, on the sink's
/// <c>rx_done</c>, as soon as the message was taken. Served only with the benchmark's raw subsystem (<c>--raw-echo</c>).
/// </summary>
internal sealed class BenchSink : IAsyncDisposable
{
    /// <summary>The channel name the sink is announced under.</summary>
    public const string Channel = "tmel-sink";

    private readonly RpmsgEndpoint _endpoint;
    private long _consumed;

    private BenchSink(RpmsgBus bus) =>
        _endpoint = bus.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = (_, _, _) => Interlocked.Increment(ref _consumed) });

    /// <summary>Gets how many messages the sink consumed.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Creates the sink's endpoint on <paramref name="bus"/> and announces it (again at every channel connect, as every service).</summary>
    public static async Task<BenchSink> AnnounceAsync(RpmsgBus bus, CancellationToken cancellationToken)
    {
        var sink = new BenchSink(bus);
        try
        {
            await bus.AnnounceAsync(sink._endpoint, Channel, cancellationToken).ConfigureAwait(false);
            return sink;
        }
        catch
        {
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Withdraws the announcement and destroys the endpoint.</summary>
    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
