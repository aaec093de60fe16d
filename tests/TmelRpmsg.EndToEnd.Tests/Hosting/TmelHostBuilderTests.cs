using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Rpmsg.Core;
using Tmel.Services.Echo;
using Tmel.Simulator;
using Tmel.Simulator.Hosting;
using Tmel.Transport.Qmp;
using TmelRpmsg.EndToEnd.Tests.Support;

namespace TmelRpmsg.EndToEnd.Tests.Hosting;

/// <summary>The whole stack in the real tmel host (<c>TmelHostBuilder.Create</c>), with a fake clock: start, echo, remote reset, stop.</summary>
public class TmelHostBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task WhenCancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }

    private static byte[] Pattern(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)((i * 7) + size))];

    [Fact]
    public async Task Start_LinkUpEchoDeviceProbed_EchoesEverySize_ThenStopsGracefully()
    {
        await using TestHost host = TestHost.Build();

        EchoClient client = await host.StartAndGetEchoClientAsync(Ct);
        Assert.Equal(EchoClient.ChannelName, client.Device.Name);
        Assert.True(client.Device.IsAnnounced);
        Assert.Equal(QmpLinkState.ChannelConnected, host.LinkService.Link.State);
        await host.WaitForLogAsync(2100, 1, Ct);
        Assert.Equal(QmpLinkStatus.Connected, host.LinkService.Status);
        HealthReport up = await host.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal("Connected", up.Entries[QmpBuilderExtensions.HealthCheckName].Data["status"]);

        foreach (int size in new[] { 1, 24, 25, 6144 })
        {
            byte[] request = Pattern(size);
            Assert.Equal(request, await client.EchoAsync(request, Ct));
        }

        Assert.Equal(0, host.Bus.GetStatistics().MessagesDropped);

        await host.StopAsync(Ct);

        // The close: LocalDisconnecting, then LinkConnected once the peer acknowledged. The simulator stops after the link
        // service (by design, so the close reaches a live peer) and drops its link level; if the local receive loop sees that
        // before the bus disposes the link, the RFC's remote-link-down path adds LinkNegotiation (§3.5). Nothing else follows.
        List<string> states = host.LocalStates();
        List<string> afterOpen = [.. states.Skip(states.LastIndexOf("ChannelConnected") + 1)];
        Assert.Equal(["LocalConnecting", "ChannelConnected"], states[..2]);
        Assert.Equal(1, states.Count(s => s == "ChannelConnected"));
        Assert.True(
            afterOpen.SequenceEqual(["LocalDisconnecting", "LinkConnected"]) || afterOpen.SequenceEqual(["LocalDisconnecting", "LinkConnected", "LinkNegotiation"]),
            string.Join(", ", afterOpen));
        HealthReport stopped = await host.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        HealthReportEntry entry = stopped.Entries[QmpBuilderExtensions.HealthCheckName];
        Assert.Contains("stopped", entry.Description, StringComparison.Ordinal);
        Assert.Equal("Stopped", entry.Data["status"]);
        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 2103);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 2104);
    }

    [Fact]
    public async Task Stop_AfterEcho_LocalClearsChannelLevelOnTheWire_ThenTakesTheLinkDown()
    {
        await using TestHost host = TestHost.Build();
        EchoClient client = await host.StartAndGetEchoClientAsync(Ct);
        await client.EchoAsync(new byte[] { 1 }, Ct);
        int writtenBeforeStop = host.Wire().Count(w => w.StartsWith('L'));

        await host.StopAsync(Ct);

        // The words the local side wrote from its last steady word on. Found from the end: the echo's reply may still have
        // its rx_done written after EchoAsync returned (the client reads the reply from its queue while the link flips
        // rx_done), so the last word before the stop is not known when the echo returns.
        List<string> local = [.. host.Wire().Where(w => w.StartsWith('L'))];
        const string peerGone = "L:00000001";
        int closedAt = local.Count >= 2 && local[^2] == peerGone ? local.Count - 3 : local.Count - 2;
        Assert.True(closedAt >= writtenBeforeStop, string.Join(", ", local));
        List<string> localAfter = local[closedAt..];
        string lastLocal = local[closedAt - 1];

        // The close clears only ch_state (bit 2) of the word last written; the peer's acknowledgement is not answered (no
        // write) but clears the channel fields in RAM (§8: 0x00000003). If the stopping simulator's link drop is seen before
        // the bus disposes the link, link_state_ack is cleared as the RFC's remote-link-down path does (0x00000001);
        // disposing then clears the whole word.
        // The ack of the peer's rx_done is lazy (RFC §3.3.5): it reaches the wire with the next write, which can be the close
        // when the peer's rx_done for the echo request came after its reply. So bit 7 of the close is the peer's rx_done as
        // last written before it.
        uint steady = Convert.ToUInt32(lastLocal[2..], 16);
        List<string> wire = host.Wire();
        int closeAt = wire.Select((w, i) => (w, i)).Where(x => x.w.StartsWith('L')).ElementAt(closedAt).i;
        uint peerRxDone = (Convert.ToUInt32(wire[..closeAt].Last(w => w.StartsWith('R'))[2..], 16) >> 6) & 1;
        string closed = $"L:{(steady & ~0x4u & ~0x80u) | (peerRxDone << 7):X8}";
        Assert.True(
            localAfter.SequenceEqual([closed, "L:00000000"]) || localAfter.SequenceEqual([closed, peerGone, "L:00000000"]),
            string.Join(", ", local));
    }

    [Fact]
    public async Task RemoteReset_MidRun_HealthUnhealthyThenHealthy_EchoClientReboundAndWorks()
    {
        await using TestHost host = TestHost.Build();
        EchoClient before = await host.StartAndGetEchoClientAsync(Ct);
        Assert.Equal(new byte[] { 1, 2 }, await before.EchoAsync(new byte[] { 1, 2 }, Ct));
        await host.WaitForLogAsync(2100, 1, Ct);

        // The TME-L resets: the hosted simulator goes away (its link level drops), and a fresh one comes up on the same window.
        TmelSimulator first = host.Services.GetRequiredService<TmelSimulator>();
        await first.DisposeAsync();
        await host.WaitForLogAsync(2102, 1, Ct);
        HealthReport recovering = await host.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Unhealthy, recovering.Status);
        Assert.Equal("Recovering", recovering.Entries[QmpBuilderExtensions.HealthCheckName].Data["status"]);
        await WhenCancelled(before.Device.Removed).WaitAsync(Ct);
        await Assert.ThrowsAnyAsync<RpmsgException>(() => before.EchoAsync(new byte[] { 3 }, Ct));

        InMemoryQmpWindow window = host.Services.GetRequiredService<InMemoryQmpWindow>();
        await using var second = new TmelSimulator(window.Remote, null, host.Time);
        await second.StartAsync(Ct);

        EchoClient after = await host.EchoDriver.WaitForClientAsync(Ct);
        Assert.NotSame(before, after);
        Assert.Equal(new byte[] { 4, 5, 6 }, await after.EchoAsync(new byte[] { 4, 5, 6 }, Ct));
        Assert.Contains("again", (await host.WaitForLogAsync(2100, 2, Ct)).Message, StringComparison.Ordinal);
        HealthReport healthy = await host.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(0, healthy.Entries[QmpBuilderExtensions.HealthCheckName].Data["failedAttempts"]);

        await host.StopAsync(Ct);
    }
}
