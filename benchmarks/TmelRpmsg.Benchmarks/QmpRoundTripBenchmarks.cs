using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Rpmsg.Core;
using Tmel.Cli.Bench;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// Request/response round trips over QMP (<see cref="QmpRpmsgTransport"/> on an in-memory mailbox window), against
/// the same round trip over an <see cref="RpmsgLoopback"/> and a bare <see cref="Channel{T}"/> ping-pong, all
/// measured in the same run.
/// </summary>
/// <remarks>
/// <para>The baseline is the same channel ping-pong as in <see cref="LoopbackRoundTripBenchmarks"/>: the floor for any
/// in-process request/response that crosses threads.</para>
/// <para>Both rpmsg round trips are built alike: a queued client endpoint on one bus calls
/// <see cref="RpmsgEndpoint.SendToAsync"/>, a queued service endpoint on the other bus reads each request and
/// answers it with the waiting <see cref="RpmsgEndpoint.SendToAsync"/>, and the client awaits
/// <see cref="RpmsgEndpoint.ReceiveAsync"/> and disposes the reply. The service cannot answer from a callback with
/// <see cref="RpmsgEndpoint.TrySendTo"/> on QMP: QMP carries one message in flight per direction, and a send
/// completes only when the peer consumed the message, so the previous reply may still be unconfirmed. The loopback
/// echo uses the same queued loop, so the two rpmsg rows differ only in the transport.</para>
/// <para>QMP is measured twice: with the mailbox's default doorbell (<see cref="QmpInMemoryMailbox.DefaultSpinCount"/>
/// spin rounds, 0: it parks at once), and with one that spins 64 rounds before it parks, the strategy the default
/// replaced. The two QMP links idle side by side; a parked link uses no CPU.</para>
/// <para>6144 bytes is the QMP MTU: 256 fragments of 24 bytes, each handed over through the mailbox with its own
/// doorbell and acknowledgement. The loopback here is given the same MTU so both rows carry the same payload.</para>
/// <para>Each invocation runs <see cref="RoundTrips"/> round trips, and every method uses the pooling
/// <see cref="ValueTask"/> builder, so the Allocated column shows only what the code under test allocates.</para>
/// </remarks>
[Config(typeof(InProcessShortRunConfig))]
[MemoryDiagnoser]
public class QmpRoundTripBenchmarks
{
    /// <summary>Round trips per benchmark invocation.</summary>
    public const int RoundTrips = 128;

    private byte[] _payload = [];

    private ChannelPingPongBaseline _baseline = null!;

    private BenchBusPair _loopback = null!;
    private RpmsgEndpoint _loopbackClient = null!;
    private RpmsgEndpoint _loopbackService = null!;
    private Task _loopbackEcho = Task.CompletedTask;

    private BenchBusPair _qmp = null!;
    private RpmsgEndpoint _qmpClient = null!;
    private RpmsgEndpoint _qmpService = null!;
    private Task _qmpEcho = Task.CompletedTask;

    private BenchBusPair _qmpSpin = null!;
    private RpmsgEndpoint _qmpSpinClient = null!;
    private RpmsgEndpoint _qmpSpinService = null!;
    private Task _qmpSpinEcho = Task.CompletedTask;

    /// <summary>Gets or sets the payload size in bytes: one QMP fragment (a TMELCOM packet), and the QMP MTU (256 fragments).</summary>
    [Params(24, 6144)]
    public int PayloadSize { get; set; }

    /// <summary>Builds the channel pair and both bus pairs, starts the three echoes, and waits for both links.</summary>
    /// <returns>A task that completes when everything is up.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _payload = new byte[PayloadSize];
        Random.Shared.NextBytes(_payload);

        _baseline = new ChannelPingPongBaseline();

        _loopback = await BenchBusPair.CreateLoopbackAsync(QmpMailboxLayout.MaxMessageSize);
        _loopbackService = _loopback.Service.CreateEndpoint(RpmsgAddress.Any);
        _loopbackClient = _loopback.Client.CreateEndpoint(RpmsgAddress.Any);
        _loopbackEcho = Task.Run(() => RpmsgEchoAsync(_loopbackService));

        _qmp = await BenchBusPair.CreateQmpAsync();
        _qmpService = _qmp.Service.CreateEndpoint(RpmsgAddress.Any);
        _qmpClient = _qmp.Client.CreateEndpoint(RpmsgAddress.Any);
        _qmpEcho = Task.Run(() => RpmsgEchoAsync(_qmpService));

        _qmpSpin = await BenchBusPair.CreateQmpAsync(spinCount: 64);
        _qmpSpinService = _qmpSpin.Service.CreateEndpoint(RpmsgAddress.Any);
        _qmpSpinClient = _qmpSpin.Client.CreateEndpoint(RpmsgAddress.Any);
        _qmpSpinEcho = Task.Run(() => RpmsgEchoAsync(_qmpSpinService));
    }

    /// <summary>Stops the echoes and disposes the endpoints and both bus pairs.</summary>
    /// <returns>A task that completes when everything is shut down.</returns>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _baseline.DisposeAsync();

        await _loopbackService.DisposeAsync();
        await _loopbackEcho;
        await _loopbackClient.DisposeAsync();
        await _loopback.DisposeAsync();

        await _qmpService.DisposeAsync();
        await _qmpEcho;
        await _qmpClient.DisposeAsync();
        await _qmp.DisposeAsync();

        await _qmpSpinService.DisposeAsync();
        await _qmpSpinEcho;
        await _qmpSpinClient.DisposeAsync();
        await _qmpSpin.DisposeAsync();
    }

    /// <summary>One round trip through two channels and an echo task.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public ValueTask ChannelPingPong() => _baseline.RoundTripsAsync(_payload, RoundTrips);

    /// <summary>One rpmsg round trip over the loopback: send, echo from a queued endpoint on the peer bus, receive and dispose.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public ValueTask LoopbackEcho() => RoundTripsAsync(_loopbackClient, _loopbackService.Address);

    /// <summary>One rpmsg round trip over QMP: send (completes when the service consumed it), echo, receive and dispose.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public ValueTask QmpEcho() => RoundTripsAsync(_qmpClient, _qmpService.Address);

    /// <summary>The QMP round trip with doorbells that spin 64 rounds before they park.</summary>
    /// <returns>A task that completes after <see cref="RoundTrips"/> round trips.</returns>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public ValueTask QmpEchoSpin64() => RoundTripsAsync(_qmpSpinClient, _qmpSpinService.Address);

    /// <summary>Answers every request with the waiting send until the endpoint is disposed.</summary>
    private static async Task RpmsgEchoAsync(RpmsgEndpoint service)
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
        catch (RpmsgEndpointClosedException ex) when (ex.Error == RpmsgError.EndpointClosed)
        {
            // Disposed while a reply still waited for the peer to consume it.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RoundTripsAsync(RpmsgEndpoint client, RpmsgAddress service)
    {
        ReadOnlyMemory<byte> payload = _payload;
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

    private void ThrowWrongLength(int length) =>
        throw new InvalidOperationException($"Expected a {PayloadSize}-byte response, got {length} bytes.");
}
