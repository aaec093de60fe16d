using System.Diagnostics;
using Tmel.Cli.Bench;

namespace TmelRpmsg.Benchmarks;

/// <summary>Runs one bench scenario in batches for a while, for a sampling profiler: <c>profile echo-24|echo-6144|typed-echo-24|one-way-24 SECONDS</c>.</summary>
internal static class ScenarioProfile
{
    public static async Task RunAsync(string which, TimeSpan duration)
    {
        await using BenchScenario scenario = which switch
        {
            "echo-24" => new EchoScenario(BenchTransport.Qmp, 24),
            "echo-6144" => new EchoScenario(BenchTransport.Qmp, 6144),
            "typed-echo-24" => new TypedEchoScenario(BenchTransport.Qmp, 24),
            "one-way-24" => new OneWayScenario(BenchTransport.Qmp, 24),
            _ => throw new ArgumentException($"Unknown scenario '{which}': echo-24, echo-6144, typed-echo-24 or one-way-24.", nameof(which)),
        };
        await scenario.SetupAsync(CancellationToken.None);
        int batch = scenario.PayloadSize > 1000 ? 20 : 2000;
        long operations = 0;
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"pid {Environment.ProcessId}: {scenario.Name} ({scenario.PayloadSize} B) for {duration.TotalSeconds:0} s");
        while (clock.Elapsed < duration)
        {
            await scenario.RunBoundedAsync(batch, TimeProvider.System, CancellationToken.None);
            operations += batch;
        }

        Console.WriteLine($"{operations} operations, {clock.Elapsed.TotalMicroseconds / operations:0.00} us each");
    }
}
