namespace Tmel.Cli.Bench;

/// <summary>
/// One measurement: the median time per operation over its batches, managed bytes allocated per operation, and for a
/// candidate its paired ratio to the group's baseline (<see langword="null"/> for the baseline itself).
/// </summary>
internal sealed record BenchResult(string Group, string Name, BenchTransport Transport, int PayloadSize, double MedianNanoseconds, double MinNanoseconds, double MaxNanoseconds, long Operations, double AllocatedBytesPerOperation, bool IsBaseline, PairedRatio? Paired = null)
{
    /// <summary>Gets a value indicating whether this row is computed from other rows' rounds, not measured by batches of its own.</summary>
    public bool IsDerived { get; init; }

    /// <summary>Gets a candidate's paired ratios in the order of the rounds (<see langword="null"/> for the baseline).</summary>
    public IReadOnlyList<double>? RoundRatios { get; init; }

    /// <summary>Gets operations per second at the median.</summary>
    public double OperationsPerSecond => 1e9 / MedianNanoseconds;
}
