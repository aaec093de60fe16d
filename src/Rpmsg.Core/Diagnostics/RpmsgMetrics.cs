using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Rpmsg.Core.Diagnostics;

/// <summary>Rpmsg.Core's instruments, on a meter from the host's <see cref="IMeterFactory"/> or a shared one.</summary>
internal sealed class RpmsgMetrics
{
    private static readonly Meter s_sharedMeter = new(RpmsgTelemetry.SourceName);
    private static readonly double[] s_durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<double> _processDuration;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _queueFullDrops;
    private readonly UpDownCounter<long> _activeEndpoints;

    public RpmsgMetrics(IMeterFactory? meterFactory)
    {
        Meter meter = meterFactory?.Create(RpmsgTelemetry.SourceName) ?? s_sharedMeter;
        _operationDuration = meter.CreateHistogram(
            "messaging.client.operation.duration", "s", "Duration of a messaging operation initiated by a producer or consumer client.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        _processDuration = meter.CreateHistogram(
            "messaging.process.duration", "s", "Duration of processing operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        _sent = meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Number of messages producer attempted to send to the broker.");
        _consumed = meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Number of messages that were delivered to the application.");
        _queueFullDrops = meter.CreateCounter<long>("rpmsg.receive.queue_full.dropped", "{message}", "Number of received messages dropped because the endpoint's receive queue stayed full.");
        _activeEndpoints = meter.CreateUpDownCounter<long>("rpmsg.endpoints.active", "{endpoint}", "Number of endpoints bound on the bus.");
    }

    /// <summary>Gets a value indicating whether any per-message instrument is listened to.</summary>
    public bool IsMeasuringMessages => _operationDuration.Enabled || _sent.Enabled || _consumed.Enabled || _processDuration.Enabled;

    public void RecordSend(string operationName, string channel, TimeSpan duration, Exception? error)
    {
        TagList tags = Tags(operationName, channel, error);
        _operationDuration.Record(duration.TotalSeconds, tags);
        _sent.Add(1, tags);
    }

    public void RecordConsumed(string operationName, string channel)
    {
        if (_consumed.Enabled)
        {
            _consumed.Add(1, Tags(operationName, channel, error: null));
        }
    }

    public void RecordQueueFullDrop(string channel)
    {
        if (_queueFullDrops.Enabled)
        {
            _queueFullDrops.Add(1, new TagList
            {
                { MessagingAttributes.System, RpmsgTelemetry.MessagingSystem },
                { MessagingAttributes.DestinationName, channel },
            });
        }
    }

    public void RecordProcess(string channel, TimeSpan duration)
    {
        if (_processDuration.Enabled)
        {
            _processDuration.Record(duration.TotalSeconds, Tags("process", channel, error: null));
        }
    }

    public void EndpointCreated() => _activeEndpoints.Add(1);

    public void EndpointDestroyed() => _activeEndpoints.Add(-1);

    private static TagList Tags(string operationName, string channel, Exception? error)
    {
        var tags = new TagList
        {
            { MessagingAttributes.System, RpmsgTelemetry.MessagingSystem },
            { MessagingAttributes.OperationName, operationName },
            { MessagingAttributes.DestinationName, channel },
        };
        if (error is not null)
        {
            tags.Add(MessagingAttributes.ErrorType, error.GetType().FullName);
        }

        return tags;
    }
}
