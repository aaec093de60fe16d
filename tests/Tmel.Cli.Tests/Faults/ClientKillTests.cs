using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rpmsg.Core;
using Tmel.Cli.Commands;
using Tmel.Cli.Tests.Commands;
using Tmel.Services.Echo;

namespace Tmel.Cli.Tests.Faults;

/// <summary>
/// Three processes: a <c>tmel simulator</c> serving apps and btss, a <c>tmel demo --connect</c> client on apps killed with
/// SIGKILL mid-run, and this test's own hosts. Garbage is then written into the apps client mailbox, and a new apps client
/// is served; a btss client streaming echoes all along never notices. Bounded; every process stopped, the directory removed.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class ClientKillTests : IDisposable
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-ck-" + Guid.NewGuid().ToString("N")[..8]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ClientKilledMidRun_ThenGarbageInItsMailbox_NewClientIsServed_AndTheOtherSubsystemNeverNotices()
    {
        await using SimulatorProcess simulator = await SimulatorProcess.StartAsync(["--dir", _directory, "--subsystem", "apps", "--subsystem", "btss"], s_bound, TimeProvider.System, Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_bound);

        using IHost btss = await StartClientAsync("btss", limit.Token);
        RpmsgBus btssBus = btss.Services.GetRequiredService<RpmsgBus>();
        CancellationToken btssLinkDown = btssBus.LinkDown;
        EchoClient btssEcho = await btss.Services.GetRequiredService<EchoDriver>().WaitForClientAsync(s_bound, TimeProvider.System, limit.Token);
        using var stopStream = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        Task<int> stream = StreamEchoesAsync(btssEcho, stopStream.Token);

        // A demo client on apps, killed (SIGKILL) once it has begun its requests.
        await KillDemoMidRunAsync(limit.Token);

        // A third party writes garbage into the apps client's mailbox and rings the TME-L.
        byte[] garbage = new byte[32];
        Random.Shared.NextBytes(garbage);
        using (var window = new FileStream(Path.Combine(_directory, "apps", "window"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            window.Write(garbage);
        }

        using (var ring = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            ring.SendTo([1], new UnixDomainSocketEndPoint(Path.Combine(_directory, "apps", "tmel.sock")));
        }

        // A newcomer on apps is served.
        using (IHost apps = await StartClientAsync("apps", limit.Token))
        {
            EchoClient appsEcho = await apps.Services.GetRequiredService<EchoDriver>().WaitForClientAsync(s_bound, TimeProvider.System, limit.Token);
            byte[] request = [.. "newcomer on apps"u8];
            Assert.Equal(request, await appsEcho.EchoAsync(request, limit.Token));
            await apps.StopAsync(limit.Token);
        }

        await stopStream.CancelAsync();
        int echoes = await stream;
        Assert.True(echoes > 0);
        Assert.False(btssLinkDown.IsCancellationRequested, "The btss link went down while apps clients came and went.");
        await btss.StopAsync(limit.Token);
        Assert.Equal(0, await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
    }

    private async Task<IHost> StartClientAsync(string subsystem, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTmelRpmsg().UseSimulatorProcess(_directory, subsystem).UseQmp().AddEcho();
        IHost host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>Echoes until stopped; every echo must succeed and return its own bytes. Returns how many completed.</summary>
    private static async Task<int> StreamEchoesAsync(EchoClient echo, CancellationToken stop)
    {
        int completed = 0;
        while (!stop.IsCancellationRequested)
        {
            byte[] request = BitConverter.GetBytes(completed);
            byte[] reply;
            try
            {
                reply = await echo.EchoAsync(request, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            Assert.Equal(request, reply);
            completed++;
        }

        return completed;
    }

    private async Task KillDemoMidRunAsync(CancellationToken cancellationToken)
    {
        ProcessStartInfo start = TmelExecutable.StartInfo(["demo", "--connect", _directory, "--timeout", "00:00:20"]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var demo = new Process { StartInfo = start };
        var requesting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        demo.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("request", StringComparison.Ordinal) == true)
            {
                requesting.TrySetResult();
            }
        };
        demo.Start();
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            await requesting.Task.WaitAsync(s_bound, cancellationToken);
        }
        finally
        {
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync(CancellationToken.None).WaitAsync(s_bound, CancellationToken.None);
        }
    }
}
