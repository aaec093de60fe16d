using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Tmel.Cli.Commands;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// <c>tmel bench --connect DIR</c> / <c>--simulator-process</c>: rpmsg echoes with a simulator process next to the raw
/// two-process ping-pong, and rpmsg messages one way to its sink next to the raw one-way baseline, each pair measured in the
/// same run; then the CPU both processes use over an idle, connected link.
/// </summary>
internal static class ProcessBench
{
    public const string Subsystem = "apps";

    public const string RawSubsystem = "raw";

    public static async Task<int> RunAsync(string directory, BenchSettings settings, TimeSpan idle, bool json, string mode, TextWriter output, CancellationToken cancellationToken)
    {
        QmpProcessLayout layout = QmpProcessLayout.Read(directory);
        if (layout.Subsystems.All(s => s.Name != RawSubsystem))
        {
            throw new TmelUsageException([$"--connect: the simulator in {directory} serves no raw-echo subsystem for the baseline; start it with 'tmel simulator --dir {directory} --raw-echo {RawSubsystem}'."]);
        }

        var runner = new BenchRunner(settings, TimeProvider.System);
        IReadOnlyList<BenchResult> results = await runner.RunAsync(
            [
                ("process round trip 24 B", [() => new ProcessRawPingPongScenario(directory, RawSubsystem), () => new ProcessEchoScenario(directory, Subsystem, 24)]),
                ("process one way 24 B", [() => new ProcessRawOneWayScenario(directory, RawSubsystem), () => new ProcessOneWayScenario(directory, Subsystem, 24)]),
            ],
            cancellationToken).ConfigureAwait(false);
        BenchReport.Write(output, results, json, mode);

        // Idle: a connected link (channel open, services announced), nothing sent; CPU of both processes over the window.
        var connected = new ProcessEchoScenario(directory, Subsystem, 24);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable disposeConnected = connected.ConfigureAwait(false);
        await connected.SetupAsync(cancellationToken).ConfigureAwait(false);
        using Process self = Process.GetCurrentProcess();
        using Process simulator = Process.GetProcessById(layout.SimulatorPid);
        TimeSpan selfBefore = self.TotalProcessorTime;
        TimeSpan simulatorBefore = simulator.TotalProcessorTime;
        long started = TimeProvider.System.GetTimestamp();
        await Task.Delay(idle, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = TimeProvider.System.GetElapsedTime(started);
        self.Refresh();
        simulator.Refresh();
        double clientPercent = 100 * (self.TotalProcessorTime - selfBefore) / elapsed;
        double simulatorPercent = 100 * (simulator.TotalProcessorTime - simulatorBefore) / elapsed;
        if (json)
        {
            output.WriteLine(new JsonObject
            {
                ["group"] = "idle",
                ["seconds"] = Math.Round(elapsed.TotalSeconds, 2),
                ["clientCpuPercent"] = Math.Round(clientPercent, 2),
                ["simulatorCpuPercent"] = Math.Round(simulatorPercent, 2),
            }.ToJsonString(CliJson.Lines));
        }
        else
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle, link connected, {elapsed.TotalSeconds:0.0} s: client {clientPercent:0.00}% of a core, simulator {simulatorPercent:0.00}% of a core"));
        }

        return 0;
    }
}
