namespace Tmel.Cli.Bench;

/// <summary>
/// Runs each group's baseline and candidates interleaved: all set up at once, each warmed up, then rounds of short batches in
/// which every candidate batch runs right next to a baseline batch (the order alternating from round to round), so a
/// candidate's ratio comes from pairs measured under the same machine load.
/// </summary>
/// <remarks>
/// <para>Per candidate, the median of its paired ratios (candidate batch / adjacent baseline batch, per operation) is the
/// authoritative figure, with the 10th and 90th percentiles as its spread; the medians of the absolute times are reported
/// beside it. A busy machine moves both batches of a pair alike, which the ratio cancels; the absolute times do not.</para>
/// <para>Times come from <see cref="TimeProvider.GetTimestamp"/>. Allocations come from one long batch per scenario after the
/// timed rounds (<see cref="AllocationBatches"/> timed batches' worth), from the process-wide precise counter (every thread's
/// bytes, so the peer's pump and echo count too), divided by its operations; the batch's own async box (about 100 B) is
/// spread over them.</para>
/// </remarks>
internal sealed class BenchRunner(BenchSettings settings, TimeProvider clock)
{
    /// <summary>How many timed batches' worth of operations the allocation batch runs.</summary>
    public const int AllocationBatches = 16;

    /// <summary>How long one batch may take before the bench gives up on it (a batch normally takes milliseconds).</summary>
    public static readonly TimeSpan BatchBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_targetBatch = TimeSpan.FromMilliseconds(2);

    /// <summary>The groups: the first scenario of each is its baseline, the others its candidates.</summary>
    public static IReadOnlyList<(string Group, Func<BenchScenario>[] Scenarios)> DefaultGroups { get; } =
    [
        ("round trip 24 B", [() => new ChannelPingPongScenario(24), () => new EchoScenario(BenchTransport.Loopback, 24), () => new EchoScenario(BenchTransport.Qmp, 24), () => new TypedEchoScenario(BenchTransport.Qmp, 24)]),
        ("round trip 6144 B", [() => new ChannelPingPongScenario(6144), () => new EchoScenario(BenchTransport.Loopback, 6144), () => new EchoScenario(BenchTransport.Qmp, 6144)]),
        ("one way 24 B", [() => new ChannelPingPongScenario(24), () => new OneWayScenario(BenchTransport.Loopback, 24), () => new OneWayScenario(BenchTransport.Qmp, 24)]),
        (FragmentGroup, [() => new OneWayScenario(BenchTransport.Qmp, 24), () => new EchoScenario(BenchTransport.Qmp, 24), () => new EchoScenario(BenchTransport.Qmp, 6144)]),
    ];

    /// <summary>
    /// The group whose rounds also give the cost of one extra QMP fragment relative to a one-way 24-byte message: per round,
    /// (6144-byte echo / its adjacent one-way batch − 24-byte echo / its adjacent one-way batch) / <see cref="ExtraFragments"/>.
    /// </summary>
    public const string FragmentGroup = "per extra fragment";

    /// <summary>The fragments a 6144-byte echo carries beyond a 24-byte echo: 256 each way instead of 1.</summary>
    public const int ExtraFragments = 2 * ((6144 / 24) - 1);

    /// <summary>The name of the derived row of <see cref="FragmentGroup"/>.</summary>
    public const string FragmentRow = "per extra fragment";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(IEnumerable<(string Group, Func<BenchScenario>[] Scenarios)> groups, CancellationToken cancellationToken)
    {
        var results = new List<BenchResult>();
        foreach ((string group, Func<BenchScenario>[] factories) in groups)
        {
            var scenarios = new List<BenchScenario>(factories.Length);
            try
            {
                foreach (Func<BenchScenario> factory in factories)
                {
                    BenchScenario scenario = factory();
                    scenarios.Add(scenario);
                    await scenario.SetupAsync(cancellationToken).ConfigureAwait(false);
                }

                BenchResult[] measured = await MeasureAsync(group, scenarios, cancellationToken).ConfigureAwait(false);
                results.AddRange(measured);
                if (group == FragmentGroup)
                {
                    results.Add(DeriveFragmentCost(measured));
                }
            }
            finally
            {
                for (int i = scenarios.Count - 1; i >= 0; i--)
                {
                    await scenarios[i].DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    private async Task<BenchResult[]> MeasureAsync(string group, List<BenchScenario> scenarios, CancellationToken cancellationToken)
    {
        var measured = new Measured[scenarios.Count];
        for (int i = 0; i < scenarios.Count; i++)
        {
            measured[i] = new Measured(scenarios[i], await WarmUpAsync(scenarios[i], cancellationToken).ConfigureAwait(false));
        }

        // Rounds: each candidate next to a baseline batch, baseline first in even rounds and second in odd ones, until every
        // scenario had its share of the measuring time and at least MinBatches pairs were taken.
        Measured baseline = measured[0];
        TimeSpan total = settings.Measure * scenarios.Count;
        long started = clock.GetTimestamp();
        for (int round = 0; round < settings.MinBatches || clock.GetElapsedTime(started) < total; round++)
        {
            for (int c = 1; c < measured.Length; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Measured candidate = measured[c];
                double baselineTime;
                double candidateTime;
                if (round % 2 == 0)
                {
                    baselineTime = await baseline.RunBatchAsync(clock, cancellationToken).ConfigureAwait(false);
                    candidateTime = await candidate.RunBatchAsync(clock, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    candidateTime = await candidate.RunBatchAsync(clock, cancellationToken).ConfigureAwait(false);
                    baselineTime = await baseline.RunBatchAsync(clock, cancellationToken).ConfigureAwait(false);
                }

                candidate.Ratios.Add(candidateTime / baselineTime);
            }

            if (measured.Length == 1)
            {
                await baseline.RunBatchAsync(clock, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (Measured m in measured)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await m.MeasureAllocationAsync(clock, cancellationToken).ConfigureAwait(false);
        }

        return [.. measured.Select((m, i) => m.ToResult(group, isBaseline: i == 0))];
    }

    /// <summary>The extra fragment's cost, each round's from its own batches: the two echoes' paired ratios to one-way batches
    /// run beside them, differenced and divided by <see cref="ExtraFragments"/>.</summary>
    private static BenchResult DeriveFragmentCost(BenchResult[] measured)
    {
        BenchResult echo24 = measured[1];
        BenchResult echo6144 = measured[2];
        IReadOnlyList<double> short24 = echo24.RoundRatios!;
        IReadOnlyList<double> long6144 = echo6144.RoundRatios!;
        var perFragment = new List<double>(short24.Count);
        for (int round = 0; round < short24.Count; round++)
        {
            perFragment.Add((long6144[round] - short24[round]) / ExtraFragments);
        }

        double nanoseconds = (echo6144.MedianNanoseconds - echo24.MedianNanoseconds) / ExtraFragments;
        return new BenchResult(FragmentGroup, FragmentRow, BenchTransport.Qmp, 24, nanoseconds, nanoseconds, nanoseconds, 0, 0, IsBaseline: false, BenchStatistics.Summarize(perFragment)) { IsDerived = true };
    }

    /// <summary>Warms up for the configured time, and grows the batch until one takes about <see cref="s_targetBatch"/>.</summary>
    private async Task<int> WarmUpAsync(BenchScenario scenario, CancellationToken cancellationToken)
    {
        int batch = 8;
        long warmupStarted = clock.GetTimestamp();
        while (clock.GetElapsedTime(warmupStarted) < settings.Warmup)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = clock.GetTimestamp();
            await scenario.RunBoundedAsync(batch, clock, cancellationToken).ConfigureAwait(false);
            if (clock.GetElapsedTime(started) < s_targetBatch && batch < 1 << 20)
            {
                batch *= 2;
            }
        }

        return batch;
    }

    /// <summary>One scenario's batches: time per operation of each, operations in all, bytes allocated per operation, and its paired ratios.</summary>
    private sealed class Measured(BenchScenario scenario, int batch)
    {
        private readonly List<double> _perOperation = [];
        private long _operations;
        private double _allocatedPerOperation;

        public List<double> Ratios { get; } = [];

        /// <summary>Runs one batch and returns its time per operation in nanoseconds.</summary>
        public async Task<double> RunBatchAsync(TimeProvider clock, CancellationToken cancellationToken)
        {
            long started = clock.GetTimestamp();
            await scenario.RunBoundedAsync(batch, clock, cancellationToken).ConfigureAwait(false);
            double perOperation = clock.GetElapsedTime(started).TotalNanoseconds / batch;
            _operations += batch;
            _perOperation.Add(perOperation);
            return perOperation;
        }

        /// <summary>Runs one long batch and counts the bytes every thread allocated meanwhile, per operation.</summary>
        public async Task MeasureAllocationAsync(TimeProvider clock, CancellationToken cancellationToken)
        {
            int operations = batch * AllocationBatches;
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            await scenario.RunBoundedAsync(operations, clock, cancellationToken).ConfigureAwait(false);
            _allocatedPerOperation = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / operations;
        }

        public BenchResult ToResult(string group, bool isBaseline)
        {
            _perOperation.Sort();
            return new BenchResult(
                group,
                scenario.Name,
                scenario.Transport,
                scenario.PayloadSize,
                BenchStatistics.Median(_perOperation),
                _perOperation[0],
                _perOperation[^1],
                _operations,
                _allocatedPerOperation,
                isBaseline,
                isBaseline ? null : BenchStatistics.Summarize([.. Ratios]))
            {
                RoundRatios = isBaseline ? null : Ratios,
            };
        }
    }
}
