namespace Tmel.Cli.Bench;

/// <summary>One measurement: the median time per operation over its batches, and managed bytes allocated per operation.</summary>
internal sealed record BenchResult(string Group, string Name, BenchTransport Transport, int PayloadSize, double MedianNanoseconds, double MinNanoseconds, double MaxNanoseconds, long Operations, double AllocatedBytesPerOperation, bool IsBaseline)
{
    /// <summary>Gets operations per second at the median.</summary>
    public double OperationsPerSecond => 1e9 / MedianNanoseconds;
}
