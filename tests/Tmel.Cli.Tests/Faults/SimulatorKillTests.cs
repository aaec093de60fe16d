using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Cli.Commands;
using Tmel.Cli.Hosting;
using Tmel.Cli.Tests.Commands;
using Tmel.Services.Echo;

namespace Tmel.Cli.Tests.Faults;

/// <summary>
/// Both processes real: a host attached to a <c>tmel simulator</c> process streams echoes; the simulator is killed with
/// SIGKILL and started again on the same directory; the client recovers by itself. Bounded (every wait has a limit, the
/// whole stream 20 s), and both simulator processes are stopped and the directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SimulatorKillTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
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
    public async Task EchoStream_SimulatorKilledAndRestarted_ClientRecoversByItself_EveryCompletedEchoIsItsOwnAndFailuresAreTyped()
    {
        await using SimulatorProcess first = await SimulatorProcess.StartAsync(["--dir", _directory], s_bound, TimeProvider.System, Ct);
        HostApplicationBuilder builder = TmelHostBuilder.Create([], simulatorDirectory: _directory);
        using IHost host = TmelHostBuilder.Build(builder);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_bound);
        await host.StartAsync(limit.Token);
        EchoDriver echo = host.Services.GetRequiredService<EchoDriver>();
        RpmsgBus bus = host.Services.GetRequiredService<RpmsgBus>();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        var stream = new EchoStream(echo, limit.Token);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await stream.EchoOnceAsync(), string.Join("; ", stream.Failures));
        }

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(limit.Token)).Status);
        CancellationToken linkDown = bus.LinkDown;

        // SIGKILL in the middle of a stream of echoes, then a new simulator on the same directory.
        // Stream until 20 echoes succeeded after the restart and the health check is back to Healthy: the hosted service may
        // still sit in a bring-up retry delay (up to BringUpMaxRetryDelay) after the link itself recovered.
        bool healthy = false;
        Task<int> running = stream.RunUntilAsync(async () => stream.SucceededAfterRestart >= 20
            && (healthy = (await health.CheckHealthAsync(limit.Token)).Status == HealthStatus.Healthy));
        await stream.WaitForSuccessesAsync(15);
        await first.KillAsync();
        int beforeRestart = stream.Succeeded;
        await using SimulatorProcess second = await SimulatorProcess.StartAsync(["--dir", _directory], s_bound, TimeProvider.System, limit.Token);
        stream.MarkRestarted();
        await running;

        Assert.True(linkDown.IsCancellationRequested, "The client's link never went down.");
        Assert.True(stream.SucceededAfterRestart >= 20, $"Only {stream.SucceededAfterRestart} echoes succeeded after the restart; failures: {string.Join("; ", stream.Failures)}");
        Assert.True(stream.Succeeded > beforeRestart);
        Assert.True(healthy);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{stream.Succeeded} echoes completed, {stream.Failures.Count} failed typed ({string.Join(", ", stream.Failures.Distinct())}); " +
            $"first echo after the restart {stream.RecoveryTime?.TotalMilliseconds:0} ms after the new simulator was ready.");

        await host.StopAsync(limit.Token);
        Assert.Equal(0, await second.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
    }

    /// <summary>Sequential 24-byte echoes, each carrying its own sequence number; a completed echo must return exactly its own bytes.</summary>
    private sealed class EchoStream(EchoDriver driver, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _succeeded;
        private int _sequence;
        private int _target = int.MaxValue;
        private long _restartedAt;

        public int Succeeded => Volatile.Read(ref _succeeded);

        public int SucceededAfterRestart { get; private set; }

        public TimeSpan? RecoveryTime { get; private set; }

        public List<string> Failures { get; } = [];

        public void MarkRestarted() => Volatile.Write(ref _restartedAt, TimeProvider.System.GetTimestamp());

        public Task WaitForSuccessesAsync(int count)
        {
            Volatile.Write(ref _target, count);
            return Succeeded >= count ? Task.CompletedTask : _progress.Task.WaitAsync(s_bound, cancellationToken);
        }

        public async Task<int> RunUntilAsync(Func<Task<bool>> done)
        {
            while (!await done())
            {
                await EchoOnceAsync();
            }

            return Succeeded;
        }

        public async Task<bool> EchoOnceAsync()
        {
            byte[] request = new byte[24];
            BinaryPrimitives.WriteInt32LittleEndian(request, ++_sequence);
            Random.Shared.NextBytes(request.AsSpan(4));
            try
            {
                EchoClient client = await driver.WaitForClientAsync(s_bound, TimeProvider.System, cancellationToken);
                byte[] reply = await client.EchoAsync(request, cancellationToken);
                Assert.Equal(request, reply);
                Interlocked.Increment(ref _succeeded);
                long restarted = Volatile.Read(ref _restartedAt);
                if (restarted != 0)
                {
                    RecoveryTime ??= TimeProvider.System.GetElapsedTime(restarted);
                    SucceededAfterRestart++;
                }

                if (Succeeded >= Volatile.Read(ref _target))
                {
                    _progress.TrySetResult();
                }

                return true;
            }
            catch (RpmsgException ex)
            {
                // Typed: the link went down, the device went away, or no reply in time. Anything else fails the test.
                Failures.Add($"{ex.GetType().Name}({ex.Error})");
                return false;
            }
        }
    }
}
