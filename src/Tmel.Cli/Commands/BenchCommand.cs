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
        var command = new Command("bench", "Measure QMP and loopback round trips and one-way throughput against a channel baseline measured in the same run.")
        {
            json,
            full,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            bool isFull = parse.GetValue(full);
            TextWriter output = parse.InvocationConfiguration.Output;
            return CliErrors.RunAsync(
                parse.InvocationConfiguration.Error,
                async () =>
                {
                    var runner = new BenchRunner(isFull ? BenchSettings.Full : BenchSettings.Quick, TimeProvider.System);
                    IReadOnlyList<BenchResult> results = await runner.RunAsync(BenchRunner.DefaultGroups, cancellationToken).ConfigureAwait(false);
                    BenchReport.Write(output, results, parse.GetValue(json), isFull ? "full" : "quick");
                    return 0;
                },
                cancellationToken);
        });
        return command;
    }
}
