using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Cli.Commands;
using Tmel.Cli.Hosting;
using Tmel.Cli.Tests.Commands;
using Tmel.Services.Echo;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Faults;

/// <summary>
/// Both processes real: a host attached to a <c>tmel simulator</c> process streams echoes; the simulator is killed with
/// SIGKILL and started again on the same directory; the client recovers by itself, its health Unhealthy during the outage and
/// Healthy again after. The recovery times are written to the test output. Bounded (every wait has a limit, the
/// whole test 60 s), and both simulator processes are stopped and the directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SimulatorKillTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    // The whole test: two simulator starts, an outage that a 5 s response timeout may stretch, and the recovery.
    private static readonly TimeSpan s_whole = TimeSpan.FromSeconds(60);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-kill-" + Guid.NewGuid().ToString("N")[..8]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task EchoStream_SimulatorKilledAndRestarted_ClientRecoversByItself_UnhealthyThenHealthy_EveryCompletedEchoIsItsOwnAndFailuresAreTyped()
    {
        await using SimulatorProcess first = await SimulatorProcess.StartAsync(["--dir", _directory], s_bound, TimeProvider.System, Ct);
        HostApplicationBuilder builder = TmelHostBuilder.Create([], simulatorDirectory: _directory);
        builder.Services.AddSingleton<TimeProvider>(new NeverEarlyTimeProvider());
        using IHost host = TmelHostBuilder.Build(builder);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_whole);
        await host.StartAsync(limit.Token);
        EchoDriver echo = host.Services.GetRequiredService<EchoDriver>();
        RpmsgBus bus = host.Services.GetRequiredService<RpmsgBus>();
        QmpLink link = host.Services.GetRequiredService<QmpLink>();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        var stream = new EchoStream(echo, s_bound, limit.Token);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await stream.EchoOnceAsync(), string.Join("; ", stream.Failures));
        }

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(limit.Token)).Status);
        CancellationToken linkDown = bus.LinkDown;

        // SIGKILL in the middle of a stream of echoes, then a new simulator on the same directory.
        // Stream until 20 echoes succeeded after the restart and the health check is back to Healthy.
        bool healthy = false;
        Task<int> running = stream.RunUntilAsync(async () => stream.SucceededAfterRestart >= 20
            && (healthy = (await health.CheckHealthAsync(limit.Token)).Status == HealthStatus.Healthy));
        await stream.WaitForSuccessesAsync(15);
        await first.KillAsync();
        long killed = TimeProvider.System.GetTimestamp();
        int beforeRestart = stream.Succeeded;

        // The next send finds nobody taking its fragment; the link resets its channel: Unhealthy for as long as nobody is there.
        await WhenCancelled(linkDown).WaitAsync(s_bound, limit.Token);
        TimeSpan detected = TimeProvider.System.GetElapsedTime(killed);
        HealthReport outage = await health.CheckHealthAsync(limit.Token);
        Assert.Equal(HealthStatus.Unhealthy, outage.Status);
        Assert.StartsWith("QMP channel lost", outage.Entries[QmpBuilderExtensions.HealthCheckName].Description, StringComparison.Ordinal);

        // The new simulator: timed from its launch (a dotnet process start is most of it) to ready, channel up and first echo.
        stream.MarkRestarted();
        long launched = TimeProvider.System.GetTimestamp();
        Task<TimeSpan> channelUp = WaitForChannelAsync(link, launched, limit.Token);
        await using SimulatorProcess second = await SimulatorProcess.StartAsync(["--dir", _directory], s_bound, TimeProvider.System, limit.Token);
        TimeSpan startup = TimeProvider.System.GetElapsedTime(launched);
        await running;
        TimeSpan channelOpened = await channelUp;

        Assert.True(linkDown.IsCancellationRequested, "The client's link never went down.");
        Assert.True(stream.SucceededAfterRestart >= 20, $"Only {stream.SucceededAfterRestart} echoes succeeded after the restart; failures: {string.Join("; ", stream.Failures)}");
        Assert.True(stream.Succeeded > beforeRestart);
        Assert.True(healthy);
        Assert.NotEmpty(stream.Failures);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"recovery: {stream.Succeeded} echoes completed, {stream.Failures.Count} failed typed ({string.Join(", ", stream.Failures.Distinct())}); " +
            $"kill -> link down seen {detected.TotalMilliseconds:0} ms; new simulator launched -> ready {startup.TotalMilliseconds:0} ms, " +
            $"-> channel up {channelOpened.TotalMilliseconds:0} ms, -> first echo {stream.RecoveryTime?.TotalMilliseconds:0} ms; " +
            $"kill -> first echo {(stream.FirstEchoAfterRestart - killed) * 1000.0 / TimeProvider.System.TimestampFrequency:0} ms.");

        await host.StopAsync(limit.Token);
        Assert.Equal(0, await second.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
    }

    /// <summary>Waits (bounded by the token) until the link's channel is open again; returns the time since <paramref name="since"/>.</summary>
    private static async Task<TimeSpan> WaitForChannelAsync(QmpLink link, long since, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await link.WaitForChannelAsync(cancellationToken);
                return TimeProvider.System.GetElapsedTime(since);
            }
            catch (QmpLinkException)
            {
                // A bring-up attempt timed out before the new simulator answered; wait for the next.
            }
        }
    }

    private static Task WhenCancelled(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => cancelled.TrySetResult());
        return cancelled.Task;
    }
}
