namespace Tmel.Cli.Soak;

/// <summary>A finished soak: its settings, outcomes, latencies, duration and memory.</summary>
internal sealed record SoakResult(
    SoakSettings Settings,
    SoakTotals Totals,
    SoakLatency Latency,
    TimeSpan Elapsed,
    long MemoryStart,
    long MemoryEnd,
    long ProtocolErrors)
{
    /// <summary>Gets the simulator kills of a run against a simulator process it owns; null otherwise.</summary>
    public SoakKillFigures? Kills { get; init; }

    /// <summary>Gets what the failures that fail a run looked like: the first unexplained corruptions, unidentified deliveries
    /// and untyped failures, one line each (an untyped failure with its stack).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>Gets whether the run kept QMP's promises and recovered from every simulator kill.</summary>
    public bool Passed => Totals.Passed && (Kills?.Unrecovered ?? 0) == 0;
}
