using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>
/// Scale: many endpoints held open and many concurrent requesters on many services over one QMP link (the whole hosted
/// stack against the in-memory simulator), round after round, with the heap measured once every endpoint was used (after round endpoints / requesters) and after the last round.
/// </summary>
internal static class SoakScale
{
    internal sealed record Result(int Endpoints, int Requesters, int Services, long RoundTrips, long Errors, long MemoryAfterFirstRound, long MemoryAfterLastRound, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(int endpoints, int requesters, int services, int rounds, TimeProvider time, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, requesters);
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var region = new QmpSharedMemoryRegion();
        var settings = new SoakSettings { TxTimeout = TimeSpan.FromSeconds(30) };
        var link = new QmpTransportOptions();
        using IHost host = SoakRunner.BuildHost(settings, time, local, region, link);
        var simulator = new TmelSimulator(remote, new TmelSimulatorOptions { Link = link, SharedMemory = region }, time);
        await using (simulator.ConfigureAwait(false))
        {
            await simulator.StartAsync(ct).ConfigureAwait(false);
            await host.StartAsync(ct).ConfigureAwait(false);
            try
            {
                RpmsgBus bus = host.Services.GetRequiredService<RpmsgBus>();
                await host.Services.GetRequiredService<Tmel.Services.Echo.EchoDriver>().WaitForClientAsync(TimeSpan.FromSeconds(30), time, ct).ConfigureAwait(false);
                using var stop = new CancellationTokenSource();
                RpmsgEndpoint[] serviceEndpoints = [.. Enumerable.Range(0, services).Select(_ => simulator.Bus.CreateEndpoint(RpmsgAddress.Any))];
                Task[] loops = [.. serviceEndpoints.Select(s => EchoAsync(s, stop.Token))];
                RpmsgEndpoint[] clients = [.. Enumerable.Range(0, endpoints).Select(_ => bus.CreateEndpoint(RpmsgAddress.Any))];
                long errors = 0;
                long roundTrips = 0;
                long memoryFirst = 0;
                long start = time.GetTimestamp();
                for (int round = 0; round < rounds; round++)
                {
                    // Requester r uses its endpoints r, r + requesters, ... in turn, one request in flight each.
                    int r0 = round;
                    await Task.WhenAll(Enumerable.Range(0, requesters).Select(r => Task.Run(
                        async () =>
                        {
                            int slots = endpoints / requesters;
                            RpmsgEndpoint endpoint = clients[r + (requesters * (r0 % slots))];
                            byte[] payload = SoakPayload.Build(((long)r0 * requesters) + r + 1, 16);
                            try
                            {
                                await endpoint.SendToAsync(serviceEndpoints[r % services].Address, payload, ct).ConfigureAwait(false);
                                using RpmsgMessage reply = await endpoint.ReceiveAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), time, ct).ConfigureAwait(false);
                                if (!reply.Span.SequenceEqual(payload))
                                {
                                    Interlocked.Increment(ref errors);
                                }

                                Interlocked.Increment(ref roundTrips);
                            }
                            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                            {
                                Interlocked.Increment(ref errors);
                            }
                        },
                        ct))).ConfigureAwait(false);
                    // The first reading comes once every endpoint has carried a request (each endpoint builds its reusable
                    // send and receive state on first use), so the rounds after it measure the steady state only.
                    if (round == Math.Min(endpoints / requesters, rounds - 1) - 1)
                    {
                        memoryFirst = Heap();
                    }
                }

                TimeSpan elapsed = time.GetElapsedTime(start);
                long memoryLast = Heap();
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(loops).ConfigureAwait(false);
                foreach (RpmsgEndpoint endpoint in clients.Concat(serviceEndpoints))
                {
                    await endpoint.DisposeAsync().ConfigureAwait(false);
                }

                return new Result(endpoints, requesters, services, roundTrips, errors, memoryFirst, memoryLast, elapsed);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task EchoAsync(RpmsgEndpoint endpoint, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using RpmsgMessage message = await endpoint.ReceiveAsync(stop).ConfigureAwait(false);
                await endpoint.SendToAsync(message.Source, message.Payload, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
