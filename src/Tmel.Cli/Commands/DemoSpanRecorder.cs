using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Tmel.Cli.Commands;

/// <summary>Keeps every span the demo's host ends, so the transcript can show link states and a summary of each request's trace.</summary>
internal sealed class DemoSpanRecorder : BaseProcessor<Activity>
{
    private const int MaxSpans = 100_000;
    private readonly ConcurrentQueue<Activity> _ended = new();
    private int _count;

    public override void OnEnd(Activity data)
    {
        // Bounded: a demo ends far below this; past it, spans are counted out rather than kept.
        if (Interlocked.Increment(ref _count) <= MaxSpans)
        {
            _ended.Enqueue(data);
        }
    }

    /// <summary>Gets the spans ended so far, in end order.</summary>
    public IReadOnlyList<Activity> Snapshot() => [.. _ended];

    /// <summary>Gets the spans of one trace, in start order.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) =>
        [.. _ended.Where(a => a.TraceId == traceId).OrderBy(a => a.StartTimeUtc)];
}
