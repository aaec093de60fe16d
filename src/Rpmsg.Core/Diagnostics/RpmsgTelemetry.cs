namespace Rpmsg.Core;

/// <summary>The names under which Rpmsg.Core publishes traces and metrics, for a host's <c>AddSource</c> and <c>AddMeter</c>.</summary>
/// <remarks>
/// Spans and metrics follow the OpenTelemetry messaging semantic conventions: a Producer span per send
/// (<c>send tmel-echo</c>), a Consumer span per callback delivery (<c>process tmel-echo</c>) and a Client span per pulled
/// message (<c>receive tmel-echo</c>), with <c>messaging.system</c> = <see cref="MessagingSystem"/>. A transport that carries
/// the sender's trace context (QMP does, out of band) makes the receiving side's span a child of the sending span, so a
/// request and its reply across the link are one trace.
/// </remarks>
public static class RpmsgTelemetry
{
    /// <summary>The name of the library's ActivitySource and Meter.</summary>
    public const string SourceName = "Rpmsg.Core";

    /// <summary>The value of <c>messaging.system</c> on every span and metric.</summary>
    public const string MessagingSystem = "rpmsg";
}
