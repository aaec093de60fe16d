namespace Tmel.Cli.Hosting;

/// <summary>Where the host exports traces and metrics (configuration <c>Tmel:Telemetry:Exporter</c>).</summary>
internal enum TelemetryExporter
{
    /// <summary>Nowhere (the demo still summarises its own trace).</summary>
    None,

    /// <summary>The OpenTelemetry console exporter, on standard output.</summary>
    Console,

    /// <summary>An OTLP collector at <see cref="TelemetryOptions.OtlpEndpoint"/>.</summary>
    Otlp,
}
