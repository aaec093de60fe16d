namespace Tmel.Cli.Bench;

/// <summary>How long each measurement warms up and measures.</summary>
internal sealed record BenchSettings(TimeSpan Warmup, TimeSpan Measure, int MinBatches)
{
    /// <summary>A few seconds in all: the default.</summary>
    public static BenchSettings Quick { get; } = new(TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(400), 5);

    /// <summary>Longer and steadier.</summary>
    public static BenchSettings Full { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 15);
}
