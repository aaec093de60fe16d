namespace Tmel.Transport.Qmp;

/// <summary>The names under which Tmel.Transport.Qmp publishes traces and metrics, for a host's <c>AddSource</c> and <c>AddMeter</c>.</summary>
/// <remarks>
/// Metrics: <c>tmel.qmp.fragments</c> (by direction), <c>tmel.qmp.link.transitions</c> (by new state),
/// <c>tmel.qmp.tx.timeouts</c> and <c>tmel.qmp.protocol_errors</c>, each tagged with the link's role. Spans: a
/// <c>qmp link_state</c> span per state change, and events on the sender's span when a doorbell is rung again or a
/// fragment times out. The sender's trace context crosses the in-memory window out of band (see docs/tracing.md).
/// </remarks>
public static class QmpTelemetry
{
    /// <summary>The name of the library's ActivitySource and Meter.</summary>
    public const string SourceName = "Tmel.Transport.Qmp";
}
