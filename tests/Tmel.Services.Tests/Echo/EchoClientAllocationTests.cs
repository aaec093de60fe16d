using Rpmsg.Core;
using Tmel.Services.Echo;

namespace Tmel.Services.Tests.Echo;

/// <summary>Runs alone: the allocation counter is process-wide, so no other test may allocate while it measures.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;

/// <summary>The product path allocates nothing: the typed echo client with a caller's token, in steady state.</summary>
[Collection(nameof(AllocationMeasurements))]
public sealed class EchoClientAllocationTests
{
    private const int Warmup = 2_000;
    private const int Measured = 10_000;

    /// <summary>Allowance for the odd background allocation of the runtime or test host over the whole measurement (not per echo).</summary>
    private const double ToleranceBytesPerEcho = 2;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EchoAsync_IntoBufferWithACancelableToken_SteadyState_AllocatesNothingPerEcho()
    {
        // The system clock: a fake clock's timers allocate per change; no timeout fires in this test.
        var link = new RpmsgLoopback(new RpmsgLoopbackOptions { Mtu = 64, TxQueueDepth = 16 });
        await using var client = new RpmsgBus(link.First);
        await using var server = new RpmsgBus(link.Second);
        await using RpmsgEndpoint service = server.CreateEndpoint(RpmsgAddress.Any);
        Task echo = Task.Run(() => EchoLoopAsync(service), Ct);
        var driver = new EchoDriver();
        await client.RegisterDriverAsync(driver, Ct);
        await client.CreateDeviceAsync(EchoClient.ChannelName, RpmsgAddress.Any, service.Address, Ct);
        EchoClient echoClient = await driver.WaitForClientAsync(Ct);
        using var user = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        byte[] payload = new byte[24];
        byte[] reply = new byte[24];

        // On the thread pool, as a user's service code runs: the test framework's synchronization context would post (and
        // allocate for) every continuation of the test method itself.
        CancellationToken token = user.Token;
        long allocated = await Task.Run(
            async () =>
            {
                await EchoManyAsync(echoClient, payload, reply, Warmup, token).ConfigureAwait(false);
                long before = GC.GetTotalAllocatedBytes(precise: true);
                await EchoManyAsync(echoClient, payload, reply, Measured, token).ConfigureAwait(false);
                return GC.GetTotalAllocatedBytes(precise: true) - before;
            },
            Ct);

        double perEcho = (double)allocated / Measured;
        Assert.True(perEcho < ToleranceBytesPerEcho, $"{perEcho:0.##} B per echo ({allocated} B over {Measured} echoes)");
        await service.DisposeAsync();
        await echo;
    }

    private static async Task EchoManyAsync(EchoClient client, byte[] payload, byte[] reply, int count, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            payload[0] = (byte)i;
            int length = await client.EchoAsync(payload, reply, cancellationToken).ConfigureAwait(false);

            // Checked by hand: xunit's Assert.Equal allocates, which would be measured as the client's.
            if (length != payload.Length || reply[0] != payload[0])
            {
                Assert.Fail($"Echo {i}: {length} bytes, first {reply[0]}; expected {payload.Length}, first {payload[0]}.");
            }
        }
    }

    private static async Task EchoLoopAsync(RpmsgEndpoint service)
    {
        try
        {
            while (true)
            {
                using RpmsgMessage request = await service.ReceiveAsync();
                await service.SendToAsync(request.Source, request.Payload);
            }
        }
        catch (RpmsgEndpointClosedException)
        {
            // The test is over.
        }
    }
}
