using System.CommandLine;
using Tmel.Cli.Bench;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel bench</c>: round trips and one-way throughput of the transports, each beside a baseline measured in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per measurement." };
        var full = new Option<bool>("--full") { Description = "Measure longer (about half a minute) for steadier figures; the default quick mode takes a few seconds." };
        var connect = new Option<DirectoryInfo?>("--connect") { Description = "Measure against a running 'tmel simulator --dir DIR --raw-echo raw': echoes and one-way messages, each next to its raw two-process baseline, then idle CPU." };
        var process = new Option<bool>("--simulator-process") { Description = "As --connect, with a simulator started in a temporary directory and stopped at the end." };
        var command = new Command("bench", "Measure QMP and loopback round trips and one-way throughput against a channel baseline measured in the same run (or, with --connect / --simulator-process, across two processes).")
        {
            json,
            full,
            connect,
            process,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(connect) is not null && result.GetValue(process))
            {
                result.AddError("--connect and --simulator-process exclude each other: measure a running simulator, or start one.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            bool isFull = parse.GetValue(full);
            TextWriter output = parse.InvocationConfiguration.Output;
            return CliErrors.RunAsync(
                parse.InvocationConfiguration.Error,
                async () =>
                {
                    BenchSettings settings = isFull ? BenchSettings.Full : BenchSettings.Quick;
                    TimeSpan idle = isFull ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2);
                    string mode = isFull ? "full" : "quick";
                    if (parse.GetValue(connect) is { } directory)
                    {
                        return await ProcessBench.RunAsync(directory.FullName, settings, idle, parse.GetValue(json), mode, output, cancellationToken).ConfigureAwait(false);
                    }

                    if (parse.GetValue(process))
                    {
                        return await RunWithSimulatorAsync(settings, idle, parse.GetValue(json), mode, output, cancellationToken).ConfigureAwait(false);
                    }

                    var runner = new BenchRunner(isFull ? BenchSettings.Full : BenchSettings.Quick, TimeProvider.System);
                    IReadOnlyList<BenchResult> results = await runner.RunAsync(BenchRunner.DefaultGroups, cancellationToken).ConfigureAwait(false);
                    BenchReport.Write(output, results, parse.GetValue(json), isFull ? "full" : "quick");
                    return 0;
                },
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunWithSimulatorAsync(BenchSettings settings, TimeSpan idle, bool json, string mode, TextWriter output, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tmel-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            SimulatorProcess simulator = await SimulatorProcess.StartAsync(
                ["--dir", directory, "--subsystem", ProcessBench.Subsystem, "--raw-echo", ProcessBench.RawSubsystem], TimeSpan.FromSeconds(30), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await using (simulator.ConfigureAwait(false))
            {
                return await ProcessBench.RunAsync(directory, settings, idle, json, mode, output, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
