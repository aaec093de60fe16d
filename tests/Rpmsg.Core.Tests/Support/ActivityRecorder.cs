using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Rpmsg.Core.Tests.Support;

/// <summary>Records the spans of one trace: the test starts a root span, and only spans in its trace are kept, so tests
/// running in parallel do not see each other's spans.</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private static readonly ActivitySource s_testSource = new("TmelRpmsg.Tests");
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Channel<Activity> _arrivals = Channel.CreateUnbounded<Activity>();
    private readonly List<Activity> _seen = [];
    private readonly Activity _root;

    public ActivityRecorder(params string[] sources)
    {
        HashSet<string> names = [.. sources, s_testSource.Name];
        _listener = new ActivityListener
        {
            ShouldListenTo = source => names.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == _root?.TraceId && activity != _root)
                {
                    _stopped.Enqueue(activity);
                    _arrivals.Writer.TryWrite(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = s_testSource.StartActivity("test root", ActivityKind.Internal, parentContext: default)
            ?? throw new InvalidOperationException("The test source is not listened to.");
    }

    /// <summary>Gets the root span, current on the thread that created the recorder.</summary>
    public Activity Root => _root;

    /// <summary>Gets the spans of the root's trace that have stopped, in stop order.</summary>
    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>Waits until a span with this name has stopped (spans on the far side stop on other threads).</summary>
    public async Task<Activity> WaitForAsync(string displayName)
    {
        while (true)
        {
            Activity? found = _seen.FirstOrDefault(a => a.DisplayName == displayName);
            if (found is not null)
            {
                return found;
            }

            _seen.Add(await _arrivals.Reader.ReadAsync(TestContext.Current.CancellationToken));
        }
    }

    public void Dispose()
    {
        _root.Stop();
        _listener.Dispose();
    }
}

/// <summary>A meter factory of its own, so a <c>MetricCollector</c> scoped to it sees only this test's measurements.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
