using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Rpmsg.Core;
using Tmel.Cli.Bench;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// One-way throughput of 24-byte messages over QMP (<see cref="QmpRpmsgTransport"/> on an in-memory mailbox window),
/// against the same stream over an <see cref="RpmsgLoopback"/> measured in the same run.
/// </summary>
/// <remarks>
/// <para>A queued client endpoint sends <see cref="Messages"/> messages one after another with the waiting
/// <see cref="RpmsgEndpoint.SendToAsync"/>; a callback endpoint on the other bus counts them. An invocation ends
/// when the service counted every message it sent, so one operation is one message delivered, and messages per
/// second is one second divided by the time per operation.</para>
/// <para>The two transports promise different things when a send completes. Over QMP the peer has consumed the
/// message (the callback returned), so only one message is ever in flight. Over the loopback the message was
/// queued, so up to <see cref="RpmsgLoopbackOptions.TxQueueDepth"/> (16) are in flight and the pump on the other
/// side works in parallel with the sender. The ratio is what that costs.</para>
/// <para>QMP is measured with the mailbox's default doorbell (<see cref="QmpInMemoryMailbox.DefaultSpinCount"/> spin
/// rounds, 0: it parks at once) and with one that spins 64 rounds before it parks.</para>
/// </remarks>
[Config(typeof(InProcessShortRunConfig))]
[MemoryDiagnoser]
public class QmpThroughputBenchmarks
{
    /// <summary>Messages per benchmark invocation.</summary>
    public const int Messages = 1024;

    /// <summary>The payload size in bytes: one QMP fragment (a TMELCOM packet).</summary>
    public const int PayloadSize = 24;

    private readonly byte[] _payload = new byte[PayloadSize];
    private readonly ReceiveCounter _loopbackCounter = new();
    private readonly ReceiveCounter _qmpCounter = new();
    private readonly ReceiveCounter _qmpSpinCounter = new();

    private BenchBusPair _loopback = null!;
    private RpmsgEndpoint _loopbackClient = null!;
    private RpmsgEndpoint _loopbackService = null!;

    private BenchBusPair _qmp = null!;
    private RpmsgEndpoint _qmpClient = null!;
    private RpmsgEndpoint _qmpService = null!;

    private BenchBusPair _qmpSpin = null!;
    private RpmsgEndpoint _qmpSpinClient = null!;
    private RpmsgEndpoint _qmpSpinService = null!;

    /// <summary>Builds both bus pairs with a counting service on each, and waits for both links.</summary>
    /// <returns>A task that completes when both links are up.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Random.Shared.NextBytes(_payload);

        _loopback = await BenchBusPair.CreateLoopbackAsync(new RpmsgLoopbackOptions().Mtu);
        _loopbackService = _loopback.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = _loopbackCounter.OnMessage });
        _loopbackClient = _loopback.Client.CreateEndpoint(RpmsgAddress.Any);

        _qmp = await BenchBusPair.CreateQmpAsync();
        _qmpService = _qmp.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = _qmpCounter.OnMessage });
        _qmpClient = _qmp.Client.CreateEndpoint(RpmsgAddress.Any);

        _qmpSpin = await BenchBusPair.CreateQmpAsync(spinCount: 64);
        _qmpSpinService = _qmpSpin.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions { Callback = _qmpSpinCounter.OnMessage });
        _qmpSpinClient = _qmpSpin.Client.CreateEndpoint(RpmsgAddress.Any);
    }

    /// <summary>Disposes the endpoints and both bus pairs.</summary>
    /// <returns>A task that completes when everything is shut down.</returns>
    /// <exception cref="InvalidOperationException">A service counted a message of the wrong size.</exception>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _loopbackClient.DisposeAsync();
        await _loopbackService.DisposeAsync();
        await _loopback.DisposeAsync();
        await _qmpClient.DisposeAsync();
        await _qmpService.DisposeAsync();
        await _qmp.DisposeAsync();
        await _qmpSpinClient.DisposeAsync();
        await _qmpSpinService.DisposeAsync();
        await _qmpSpin.DisposeAsync();
        long wrongSize = _loopbackCounter.WrongSize + _qmpCounter.WrongSize + _qmpSpinCounter.WrongSize;
        if (wrongSize != 0)
        {
            throw new InvalidOperationException($"The services counted {wrongSize} messages that were not {PayloadSize} bytes.");
        }
    }

    /// <summary>One 24-byte message sent over the loopback and counted by a callback on the peer bus.</summary>
    /// <returns>A task that completes when the peer counted <see cref="Messages"/> messages.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public ValueTask LoopbackOneWay() => SendAllAsync(_loopbackClient, _loopbackService.Address, _loopbackCounter);

    /// <summary>One 24-byte message sent over QMP (the send completes when the peer consumed it) and counted by a callback.</summary>
    /// <returns>A task that completes when the peer counted <see cref="Messages"/> messages.</returns>
    [Benchmark(OperationsPerInvoke = Messages)]
    public ValueTask QmpOneWay() => SendAllAsync(_qmpClient, _qmpService.Address, _qmpCounter);

    /// <summary>The QMP stream with doorbells that spin 64 rounds before they park.</summary>
    /// <returns>A task that completes when the peer counted <see cref="Messages"/> messages.</returns>
    [Benchmark(OperationsPerInvoke = Messages)]
    public ValueTask QmpOneWaySpin64() => SendAllAsync(_qmpSpinClient, _qmpSpinService.Address, _qmpSpinCounter);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(RpmsgEndpoint client, RpmsgAddress service, ReceiveCounter counter)
    {
        ReadOnlyMemory<byte> payload = _payload;
        long target = counter.Count + Messages;
        for (int i = 0; i < Messages; i++)
        {
            await client.SendToAsync(service, payload);
        }

        // The loopback may still hold up to its queue depth of messages; QMP holds none.
        while (counter.Count < target)
        {
            await Task.Yield();
        }
    }

    /// <summary>Counts the messages its endpoint receives.</summary>
    private sealed class ReceiveCounter
    {
        private long _count;
        private long _wrongSize;

        public long Count => Volatile.Read(ref _count);

        public long WrongSize => Volatile.Read(ref _wrongSize);

        public void OnMessage(RpmsgEndpoint endpoint, ReadOnlySpan<byte> payload, RpmsgAddress source)
        {
            if (payload.Length != PayloadSize)
            {
                Interlocked.Increment(ref _wrongSize);
            }

            Interlocked.Increment(ref _count);
        }
    }
}
