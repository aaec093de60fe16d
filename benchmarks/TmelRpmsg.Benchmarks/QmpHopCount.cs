using System.Diagnostics;
using System.Globalization;
using Rpmsg.Core;
using Tmel.Cli.Bench;
using Tmel.Transport.Qmp;

namespace TmelRpmsg.Benchmarks;

/// <summary>
/// Counts the thread hops of QMP messages (<c>dotnet run -c Release --project benchmarks/TmelRpmsg.Benchmarks -- hops</c>).
/// </summary>
/// <remarks>
/// <para>A hop is one thread-pool work item: <see cref="ThreadPool.CompletedWorkItemCount"/> before and after N messages
/// in an otherwise idle process, divided by N. It counts every continuation, doorbell wake-up and dispatcher wake-up
/// that was queued rather than run where it was raised. (Thread ids say nothing here: work items that follow one another
/// often run on the same pool thread.)</para>
/// <para>Then same-run timings, interleaved round by round (channel ping-pong, 24 B echo, 6144 B echo, one way), each
/// round's ratios to that round's ping-pong, reported as median and range. Figures only; nothing here is asserted.</para>
/// </remarks>
internal static class QmpHopCount
{
    private const int Messages = 20_000;
    private const int Rounds = 15;

    public static async Task RunAsync()
    {
        Console.WriteLine($"Processors: {Environment.ProcessorCount}");
        await LinkOneWayAsync();
        await BusOneWayAsync();
        await BusEchoAsync();
        await TimingsAsync();
    }

    /// <summary>QmpLink to QmpLink on an in-memory window, 24-byte messages, a handler that only counts.</summary>
    private static async Task LinkOneWayAsync()
    {
        (QmpInMemoryMailbox localBox, QmpInMemoryMailbox remoteBox) = QmpInMemoryMailbox.CreatePair();
        await using var local = new QmpLink(localBox, QmpRole.Local);
        await using var remote = new QmpLink(remoteBox, QmpRole.Remote);
        var handler = new CountingHandler();
        remote.Start(handler);
        local.Start(new CountingHandler());
        await local.WaitForChannelAsync();
        await remote.WaitForChannelAsync();
        byte[] payload = new byte[24];

        for (int i = 0; i < 2_000; i++)
        {
            await local.SendAsync(payload, 1);
        }

        long before = ThreadPool.CompletedWorkItemCount;
        for (int i = 0; i < Messages; i++)
        {
            await local.SendAsync(payload, 1);
        }

        long items = ThreadPool.CompletedWorkItemCount - before;
        Console.WriteLine(Line("QmpLink one way 24 B", items));
    }

    /// <summary>The shape of QmpThroughputBenchmarks.QmpOneWay: rpmsg buses over QMP, a callback endpoint that counts.</summary>
    private static async Task BusOneWayAsync()
    {
        await using BenchBusPair pair = await BenchBusPair.CreateQmpAsync();
        long received = 0;
        await using RpmsgEndpoint service = pair.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions
        {
            Callback = (_, _, _) => Interlocked.Increment(ref received),
        });
        await using RpmsgEndpoint client = pair.Client.CreateEndpoint(RpmsgAddress.Any);
        byte[] payload = new byte[24];
        for (int i = 0; i < 2_000; i++)
        {
            await client.SendToAsync(service.Address, payload);
        }

        long before = ThreadPool.CompletedWorkItemCount;
        for (int i = 0; i < Messages; i++)
        {
            await client.SendToAsync(service.Address, payload);
        }

        long items = ThreadPool.CompletedWorkItemCount - before;
        Console.WriteLine(Line("rpmsg over QMP one way 24 B (callback endpoint)", items));
    }

    /// <summary>Work items per round trip: the channel ping-pong baseline and the QMP echo of QmpRoundTripBenchmarks.</summary>
    private static async Task BusEchoAsync()
    {
        byte[] payload = new byte[24];
        await using (var baseline = new ChannelPingPongBaseline())
        {
            await baseline.RoundTripsAsync(payload, 2_000);
            long before = ThreadPool.CompletedWorkItemCount;
            await baseline.RoundTripsAsync(payload, Messages);
            Console.WriteLine(Line("channel ping-pong, per round trip", ThreadPool.CompletedWorkItemCount - before));
        }

        await using var echo = await EchoPair.CreateAsync();
        await echo.RoundTripsAsync(payload, 2_000);
        long start = ThreadPool.CompletedWorkItemCount;
        await echo.RoundTripsAsync(payload, Messages);
        Console.WriteLine(Line("rpmsg over QMP echo 24 B, per round trip", ThreadPool.CompletedWorkItemCount - start));
    }

    private static async Task TimingsAsync()
    {
        byte[] small = new byte[24];
        byte[] large = new byte[QmpMailboxLayout.MaxMessageSize];
        await using var baseline = new ChannelPingPongBaseline();
        await using var echo = await EchoPair.CreateAsync();
        await using BenchBusPair oneWay = await BenchBusPair.CreateQmpAsync();
        long received = 0;
        await using RpmsgEndpoint sink = oneWay.Service.CreateEndpoint(RpmsgAddress.Any, new RpmsgEndpointOptions
        {
            Callback = (_, _, _) => Interlocked.Increment(ref received),
        });
        await using RpmsgEndpoint sender = oneWay.Client.CreateEndpoint(RpmsgAddress.Any);

        List<double> pingPong = [], echo24 = [], echo6144 = [], oneWay24 = [];
        for (int round = -2; round < Rounds; round++)
        {
            double p = await TimeAsync(() => baseline.RoundTripsAsync(small, 4_000), 4_000);
            double e = await TimeAsync(() => echo.RoundTripsAsync(small, 4_000), 4_000);
            double l = await TimeAsync(() => echo.RoundTripsAsync(large, 40), 40);
            double o = await TimeAsync(
                async () =>
                {
                    for (int i = 0; i < 4_000; i++)
                    {
                        await sender.SendToAsync(sink.Address, small);
                    }
                },
                4_000);
            if (round >= 0)
            {
                pingPong.Add(p);
                echo24.Add(e);
                echo6144.Add(l);
                oneWay24.Add(o);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Same-run timings, {Rounds} interleaved rounds (median, min-max):");
        Console.WriteLine(Stat("channel ping-pong (µs)", pingPong));
        Console.WriteLine(Stat("QMP echo 24 B (µs)", echo24));
        Console.WriteLine(Stat("QMP echo 6144 B (µs)", echo6144));
        Console.WriteLine(Stat("QMP one way 24 B (µs)", oneWay24));
        Console.WriteLine(Stat("ratio echo 24 B / ping-pong", [.. echo24.Select((v, i) => v / pingPong[i])]));
        Console.WriteLine(Stat("ratio echo 6144 B / ping-pong", [.. echo6144.Select((v, i) => v / pingPong[i])]));
        Console.WriteLine(Stat("per extra fragment / one way", [.. echo6144.Select((v, i) => (v - echo24[i]) / 510 / oneWay24[i])]));
    }

    private static async Task<double> TimeAsync(Func<ValueTask> run, int operations)
    {
        long started = Stopwatch.GetTimestamp();
        await run();
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / operations;
    }

    private static string Stat(string what, List<double> values)
    {
        List<double> sorted = [.. values.Order()];
        double median = sorted[sorted.Count / 2];
        return string.Create(CultureInfo.InvariantCulture, $"  {what,-34} {median,9:0.000}  ({sorted[0]:0.000}-{sorted[^1]:0.000})");
    }

    private static string Line(string what, long items) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}: {(double)items / Messages:0.00} thread-pool work items per message ({items} for {Messages})");

    private sealed class CountingHandler : IQmpLinkHandler
    {
        private long _count;

        public ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, ActivityContext senderContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return default;
        }

        public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken) => default;
    }

    /// <summary>The QmpEcho shape: a queued client endpoint, and a queued service endpoint answering with the waiting send.</summary>
    private sealed class EchoPair : IAsyncDisposable
    {
        private readonly BenchBusPair _pair;
        private readonly RpmsgEndpoint _service;
        private readonly RpmsgEndpoint _client;
        private readonly Task _echo;

        private EchoPair(BenchBusPair pair)
        {
            _pair = pair;
            _service = pair.Service.CreateEndpoint(RpmsgAddress.Any);
            _client = pair.Client.CreateEndpoint(RpmsgAddress.Any);
            _echo = Task.Run(EchoAsync);
        }

        public static async Task<EchoPair> CreateAsync() => new(await BenchBusPair.CreateQmpAsync());

        public async ValueTask RoundTripsAsync(ReadOnlyMemory<byte> payload, int count)
        {
            for (int i = 0; i < count; i++)
            {
                await _client.SendToAsync(_service.Address, payload);
                using RpmsgMessage response = await _client.ReceiveAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _service.DisposeAsync();
            await _echo;
            await _client.DisposeAsync();
            await _pair.DisposeAsync();
        }

        private async Task EchoAsync()
        {
            try
            {
                await foreach (RpmsgMessage request in _service.ReadAllAsync())
                {
                    using (request)
                    {
                        await _service.SendToAsync(request.Source, request.Payload);
                    }
                }
            }
            catch (RpmsgEndpointClosedException)
            {
                // Disposed while a reply still waited.
            }
        }
    }
}
