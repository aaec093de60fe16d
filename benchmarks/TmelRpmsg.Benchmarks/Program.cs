using BenchmarkDotNet.Running;
using Tmel.Cli.Bench;
using TmelRpmsg.Benchmarks;

if (args is ["hops"])
{
    // Thread hops and interleaved same-run ratios of QMP messages (QmpHopCount); no BenchmarkDotNet.
    await QmpHopCount.RunAsync();
    return;
}

if (args is ["profile", string which, string seconds])
{
    // One scenario in a loop for a while, so a sampling profiler (dotnet-trace) sees nothing else; see README.md.
    await ScenarioProfile.RunAsync(which, TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
    return;
}

// "--paired": the interleaved paired-ratio runner that `tmel bench --full` uses (the authoritative ratios); anything else
// goes to BenchmarkDotNet (absolute times and the Allocated column).
if (args is ["--paired", ..])
{
    var runner = new BenchRunner(BenchSettings.Full, TimeProvider.System);
    IReadOnlyList<BenchResult> results = await runner.RunAsync(BenchRunner.DefaultGroups, CancellationToken.None).ConfigureAwait(false);
    BenchReport.Write(Console.Out, results, json: args is [_, "--json", ..], "full, paired");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(InProcessShortRunConfig).Assembly).Run(args);
