using System.Diagnostics;
using Rpmsg.Core.Diagnostics;

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

    /// <summary>Starts a Consumer span (<c>process {channel}</c>) for handling a message read from a queue, as a child of the sender's span when the transport carried it.</summary>
    /// <param name="message">The message being handled.</param>
    /// <param name="channelName">The channel the message arrived on (low cardinality: a name, not an address).</param>
    /// <returns>The span, current until disposed; <see langword="null"/> when nobody listens.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="channelName"/> is <see langword="null"/>.</exception>
    /// <remarks>Callback deliveries get this span from the bus itself; a service that reads its endpoint's queue starts it around
    /// its handling, so its reply (sent while the span is current) joins the request's trace.</remarks>
    public static Activity? StartProcessActivity(RpmsgMessage message, string channelName)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(channelName);
        return RpmsgInstrumentation.IsTracing
            ? RpmsgInstrumentation.StartProcess(channelName, message.Source, message.Destination, message.Length, message.TraceContext)
            : null;
    }
}
