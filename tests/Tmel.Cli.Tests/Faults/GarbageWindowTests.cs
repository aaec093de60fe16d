using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Tmel.Cli.Commands;
using Tmel.Cli.Tests.Commands;
using Tmel.Services.Echo;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Faults;

/// <summary>
/// Three processes: a <c>tmel simulator</c>, a client host in this test streaming echoes, and <c>tmel scribble</c>, which
/// writes garbage into the client's (APPS) mailbox of the window and rings the TME-L. The TME-L counts the impossible
/// fragment as a protocol error, nobody crashes, and echoes work again; after random bytes too (the client notices its
/// overwritten mailbox and resets the link: QmpSharedMemoryMailbox.CheckOwnMailbox). Bounded; the simulator stopped, the directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class GarbageWindowTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_whole = TimeSpan.FromSeconds(90);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-gw-" + Guid.NewGuid().ToString("N")[..8]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Scribble_BadFragmentInTheClientsMailbox_TmelCountsAProtocolError_EchoesRecover_RandomBytesCrashNobody()
    {
        await using SimulatorProcess simulator = await SimulatorProcess.StartAsync(["--dir", _directory], s_bound, TimeProvider.System, Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_whole);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(new NeverEarlyTimeProvider());
        builder.Services.AddTmelRpmsg().UseSimulatorProcess(_directory).UseQmp().AddEcho();
        using IHost host = builder.Build();
        await host.StartAsync(limit.Token);
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
        var stream = new EchoStream(host.Services.GetRequiredService<EchoDriver>(), s_bound, limit.Token);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(await stream.EchoOnceAsync(), string.Join("; ", stream.Failures));
        }

        // An impossible first fragment (tx flipped, frag_size over 24): the TME-L must count it as a protocol error.
        Task protocolError = simulator.WaitForStandardErrorAsync("protocol error from the peer", s_bound, TimeProvider.System, limit.Token);
        Assert.Contains("rang the TME-L", await ScribbleAsync(["--bad-fragment", "--seed", "1201"], limit.Token), StringComparison.Ordinal);
        await protocolError;
        stream.MarkRestarted();

        bool healthy = false;
        await stream.RunUntilAsync(async () => stream.SucceededAfterRestart >= 20
            && (healthy = (await health.CheckHealthAsync(limit.Token)).Status == HealthStatus.Healthy));
        Assert.True(healthy);

        // 64 mailboxes of pure random bytes: the TME-L may read them as anything (resets, closes, fragments). Neither process
        // crashes, and the links find their way back: echoes work again and the client is Healthy (before the client's link heard
        // that its mailbox had been cleared, it could wait in LocalConnecting behind a zero word for good).
        Assert.Contains("rang the TME-L", await ScribbleAsync(["--count", "64", "--seed", "1202"], limit.Token), StringComparison.Ordinal);
        Assert.False(simulator.HasExited, simulator.StandardError);
        stream.MarkRestarted();
        healthy = false;
        await stream.RunUntilAsync(async () => stream.SucceededAfterRestart >= 20
            && (healthy = (await health.CheckHealthAsync(limit.Token)).Status == HealthStatus.Healthy));
        Assert.True(healthy);
        QmpLink link = host.Services.GetRequiredService<QmpLink>();
        QmpSharedMemoryMailbox mailbox = host.Services.GetRequiredService<QmpSharedMemoryMailbox>();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"garbage: {stream.Succeeded} echoes completed; failed typed after the bad fragment: {stream.Failures.Count} " +
            $"({string.Join(", ", stream.Failures.Distinct())}); client protocol errors {link.ProtocolErrors}, own-mailbox resets {mailbox.OwnMailboxResets}, " +
            $"client link after the random bytes {link.State}.");

        await host.StopAsync(limit.Token);
        Assert.Equal(0, await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
    }

    /// <summary>Runs <c>tmel scribble</c> on the directory (bounded; killed if it overruns) and returns its output; it must exit 0.</summary>
    private async Task<string> ScribbleAsync(string[] arguments, CancellationToken cancellationToken)
    {
        ProcessStartInfo start = TmelExecutable.StartInfo([ScribbleCommand.Name, "--dir", _directory, .. arguments]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process scribble = Process.Start(start)!;
        Task<string> output = scribble.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = scribble.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await scribble.WaitForExitAsync(cancellationToken).WaitAsync(s_bound, cancellationToken);
        }
        finally
        {
            if (!scribble.HasExited)
            {
                scribble.Kill(entireProcessTree: true);
            }
        }

        Assert.True(scribble.ExitCode == 0, await error);
        return await output;
    }
}
