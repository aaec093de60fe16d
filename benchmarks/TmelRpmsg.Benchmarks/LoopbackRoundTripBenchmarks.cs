using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Rpmsg.Core;
using Tmel.Cli.Bench;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// Request/response round trips over an <see cref="RpmsgLoopback"/> link, against a bare
/// ping-pong between two <see cref="Channel{T}"/>s measured in the same run.
/// </summary>
/// <remarks>
/// <para>The baseline is the floor for any in-process request/response that crosses threads: one
/// echo task reads channel A and writes channel B, and the benchmark writes A and awaits B. It moves a
/// <see cref="ReadOnlyMemory{T}"/> of <see cref="PayloadSize"/> bytes and copies nothing.</para>
/// <para>The rpmsg round trip sends <see cref="PayloadSize"/> bytes from a queued endpoint on bus A to a
/// callback endpoint on bus B, whose callback echoes them back with <see cref="RpmsgEndpoint.TrySendTo"/>;
/// the client awaits <see cref="RpmsgEndpoint.ReceiveAsync"/> and disposes the message.</para>
/// <para>Each invocation runs <see cref="RoundTrips"/> round trips so the harness's own cost per invoke
/// (starting and awaiting the benchmark method) is spread thin. Both methods use the pooling
/// <see cref="ValueTask"/> builder, so the harness allocates nothing of its own and the Allocated
/// column shows only what the code under test allocates.</para>
/// </remarks>
[Config(typeof(InProcessShortRunConfig))]
[MemoryDiagnoser]
public class LoopbackRoundTripBenchmarks
{
    /// <summary>Round trips per benchmark invocation.</summary>
    public const int RoundTrips = 128;

    private byte[] _payload = [];

    private ChannelPingPongBaseline _baseline = null!;

    private BenchBusPair _buses = null!;
    private RpmsgEndpoint _client = null!;
    private RpmsgEndpoint _service = null!;
    private RpmsgAddress _serviceAddress;
    private int _slowEchoes;

    /// <summary>Gets or sets the payload size in bytes: a TMELCOM packet, and the loopback MTU.</summary>
    [Params(24, 496)]
    public int PayloadSize { get; set; }

    /// <summary>Builds both channel pairs and both buses, and waits for the loopback link to come up.</summary>
    /// <returns>A task that completes when the link is up.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _payload = new byte[PayloadSize];
        Random.Shared.NextBytes(_payload);

        _baseline = new ChannelPingPongBaseline();

        _buses = await BenchBusPair.CreateLoopbackAsync(mtu: 496);
        _service = _buses.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = Echo });
        _serviceAddress = _service.Address;
        _client = _buses.Client.CreateEndpoint(RpmsgAddress.Any);
    }

    /// <summary>Stops the echo task and disposes both buses.</summary>
    /// <returns>A task that completes when everything is shut down.</returns>
    /// <exception cref="InvalidOperationException">The echo callback ever had to fall back to a waiting send.</exception>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _baseline.DisposeAsync();
        await _client.DisposeAsync();
        await _service.DisposeAsync();
        await _buses.DisposeAsync();
        if (_slowEchoes != 0)
        {
            throw new InvalidOperationException($"{_slowEchoes} echoes found no transmit room and took the waiting path; the Allocated column includes their copies.");
        }
    }

    /// <summary>One round trip through two channels and an echo task.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public ValueTask ChannelPingPong() => _baseline.RoundTripsAsync(_payload, RoundTrips);

    /// <summary>One rpmsg round trip: send, echo from a callback on the peer bus, receive and dispose.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RpmsgRoundTrip()
    {
        ReadOnlyMemory<byte> payload = _payload;
        RpmsgEndpoint client = _client;
        RpmsgAddress service = _serviceAddress;
        for (int i = 0; i < RoundTrips; i++)
        {
            await client.SendToAsync(service, payload);
            using RpmsgMessage response = await client.ReceiveAsync();
            if (response.Length != payload.Length)
            {
                ThrowWrongLength(response.Length);
            }
        }
    }

    private void Echo(RpmsgEndpoint endpoint, ReadOnlySpan<byte> payload, RpmsgAddress source)
    {
        if (!endpoint.TrySendTo(source, payload))
        {
            // Not expected with a queue depth of 16 and one frame in flight; the callback's payload is
            // only valid during the call, so the waiting path needs a copy. Counted, and reported at cleanup.
            Interlocked.Increment(ref _slowEchoes);
            _ = endpoint.SendToAsync(source, payload.ToArray()).AsTask();
        }
    }

    private void ThrowWrongLength(int length) =>
        throw new InvalidOperationException($"Expected a {PayloadSize}-byte response, got {length} bytes.");
}
