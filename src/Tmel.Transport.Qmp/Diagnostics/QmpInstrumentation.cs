using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tmel.Transport.Qmp.Diagnostics;

/// <summary>The QMP link's spans and instruments; cheap when nobody listens.</summary>
internal sealed class QmpInstrumentation
{
    public static readonly ActivitySource Source = new(QmpTelemetry.SourceName, typeof(QmpInstrumentation).Assembly.GetName().Version?.ToString());

    private const string RoleKey = "tmel.qmp.role";
    private const string DirectionKey = "tmel.qmp.direction";
    private const string StateKey = "tmel.qmp.link.state";
    private static readonly Meter s_sharedMeter = new(QmpTelemetry.SourceName);

    private readonly KeyValuePair<string, object?> _role;
    private readonly Counter<long> _fragments;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _txTimeouts;
    private readonly Counter<long> _protocolErrors;

    public QmpInstrumentation(QmpRole role, IMeterFactory? meterFactory)
    {
        _role = new(RoleKey, role == QmpRole.Local ? "local" : "remote");
        Meter meter = meterFactory?.Create(QmpTelemetry.SourceName) ?? s_sharedMeter;
        _fragments = meter.CreateCounter<long>("tmel.qmp.fragments", "{fragment}", "Fragments written to or taken from the mailbox.");
        _transitions = meter.CreateCounter<long>("tmel.qmp.link.transitions", "{transition}", "Link state changes.");
        _txTimeouts = meter.CreateCounter<long>("tmel.qmp.tx.timeouts", "{timeout}", "Fragments the peer did not take within the fragment timeout.");
        _protocolErrors = meter.CreateCounter<long>("tmel.qmp.protocol_errors", "{error}", "Malformed or out-of-sequence input from the peer.");
    }

    public void FragmentSent()
    {
        if (_fragments.Enabled)
        {
            _fragments.Add(1, _role, new(DirectionKey, "sent"));
        }
    }

    public void FragmentReceived()
    {
        if (_fragments.Enabled)
        {
            _fragments.Add(1, _role, new(DirectionKey, "received"));
        }
    }

    public void StateChanged(QmpLinkState from, QmpLinkState to)
    {
        if (_transitions.Enabled)
        {
            _transitions.Add(1, _role, new(StateKey, to.ToString()));
        }

        if (Source.HasListeners())
        {
            using Activity? activity = Source.StartActivity("qmp link_state", ActivityKind.Internal, parentContext: default);
            activity?.SetTag(_role.Key, _role.Value);
            activity?.SetTag("tmel.qmp.link.previous_state", from.ToString());
            activity?.SetTag(StateKey, to.ToString());
        }
    }

    /// <summary>Counts a fragment timeout and notes it on the sender's span (the rpmsg send span, when traced).</summary>
    public void TxTimedOut(int attempt, bool final)
    {
        if (final)
        {
            _txTimeouts.Add(1, _role);
        }

        Activity.Current?.AddEvent(new ActivityEvent(final ? "tmel.qmp.tx_timeout" : "tmel.qmp.doorbell_repeated", tags: new ActivityTagsCollection { ["tmel.qmp.attempt"] = attempt }));
    }

    public void ProtocolError() => _protocolErrors.Add(1, _role);
}
