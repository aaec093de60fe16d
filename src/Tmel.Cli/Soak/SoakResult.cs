namespace Tmel.Cli.Soak;

/// <summary>A finished soak: its settings, outcomes, latencies, duration and memory.</summary>
internal sealed record SoakResult(
    SoakSettings Settings,
    SoakTotals Totals,
    SoakLatency Latency,
    TimeSpan Elapsed,
    long MemoryStart,
    long MemoryEnd,
    long ProtocolErrors);
