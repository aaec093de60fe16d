namespace Tmel.Cli.Bench;

/// <summary>
/// One measurement: the median time per operation over its batches, managed bytes allocated per operation, and for a
/// candidate its paired ratio to the group's baseline (<see langword="null"/> for the baseline itself).
/// </summary>
internal sealed record BenchResult(string Group, string Name, BenchTransport Transport, int PayloadSize, double MedianNanoseconds, double MinNanoseconds, double MaxNanoseconds, long Operations, double AllocatedBytesPerOperation, bool IsBaseline, PairedRatio? Paired = null)
{
    /// <summary>Gets operations per second at the median.</summary>
    public double OperationsPerSecond => 1e9 / MedianNanoseconds;
}
