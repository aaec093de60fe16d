namespace Tmel.Cli.Bench;

/// <summary>Runs each group's baseline and candidates in the same run: warm-up, then timed batches, median per operation.</summary>
/// <remarks>Times come from <see cref="TimeProvider.GetTimestamp"/>; allocations from the process-wide precise counter
/// (every thread's bytes, so the peer's pump and echo count too), divided by the operations measured.</remarks>
internal sealed class BenchRunner(BenchSettings settings, TimeProvider clock)
{
    private static readonly TimeSpan s_targetBatch = TimeSpan.FromMilliseconds(5);

    /// <summary>The groups: each has exactly one baseline, measured right before its candidates.</summary>
    public static IReadOnlyList<(string Group, Func<BenchScenario>[] Scenarios)> DefaultGroups { get; } =
    [
        ("round trip 24 B", [() => new ChannelPingPongScenario(24), () => new EchoScenario(BenchTransport.Loopback, 24), () => new EchoScenario(BenchTransport.Qmp, 24)]),
        ("round trip 6144 B", [() => new ChannelPingPongScenario(6144), () => new EchoScenario(BenchTransport.Loopback, 6144), () => new EchoScenario(BenchTransport.Qmp, 6144)]),
        ("one way 24 B", [() => new OneWayScenario(BenchTransport.Loopback, 24), () => new OneWayScenario(BenchTransport.Qmp, 24)]),
    ];

    public async Task<IReadOnlyList<BenchResult>> RunAsync(IEnumerable<(string Group, Func<BenchScenario>[] Scenarios)> groups, CancellationToken cancellationToken)
    {
        var results = new List<BenchResult>();
        foreach ((string group, Func<BenchScenario>[] scenarios) in groups)
        {
            for (int i = 0; i < scenarios.Length; i++)
            {
                BenchScenario scenario = scenarios[i]();
                await using (scenario.ConfigureAwait(false))
                {
                    await scenario.SetupAsync(cancellationToken).ConfigureAwait(false);
                    results.Add(await MeasureAsync(group, scenario, isBaseline: i == 0, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return results;
    }

    private async Task<BenchResult> MeasureAsync(string group, BenchScenario scenario, bool isBaseline, CancellationToken cancellationToken)
    {
        // Warm up, and grow the batch until one takes about s_targetBatch.
        int batch = 8;
        long warmupStarted = clock.GetTimestamp();
        while (clock.GetElapsedTime(warmupStarted) < settings.Warmup)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = clock.GetTimestamp();
            await scenario.RunAsync(batch, cancellationToken).ConfigureAwait(false);
            if (clock.GetElapsedTime(started) < s_targetBatch && batch < 1 << 20)
            {
                batch *= 2;
            }
        }

        var perOperation = new List<double>();
        long operations = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long measureStarted = clock.GetTimestamp();
        while (perOperation.Count < settings.MinBatches || clock.GetElapsedTime(measureStarted) < settings.Measure)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = clock.GetTimestamp();
            await scenario.RunAsync(batch, cancellationToken).ConfigureAwait(false);
            perOperation.Add(clock.GetElapsedTime(started).TotalNanoseconds / batch);
            operations += batch;
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        perOperation.Sort();
        return new BenchResult(
            group,
            scenario.Name,
            scenario.Transport,
            scenario.PayloadSize,
            Median(perOperation),
            perOperation[0],
            perOperation[^1],
            operations,
            (double)allocated / operations,
            isBaseline);
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
