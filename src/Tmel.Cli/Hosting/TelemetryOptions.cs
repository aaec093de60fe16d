using System.ComponentModel.DataAnnotations;

namespace Tmel.Cli.Hosting;

/// <summary>Telemetry settings of the tmel host (configuration section <c>Tmel:Telemetry</c>).</summary>
internal sealed class TelemetryOptions
{
    public const string ConfigurationSection = "Tmel:Telemetry";

    /// <summary>Gets or sets the exporter. Default <see cref="TelemetryExporter.None"/>.</summary>
    [EnumDataType(typeof(TelemetryExporter))]
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>Gets or sets the OTLP endpoint, used when <see cref="Exporter"/> is <see cref="TelemetryExporter.Otlp"/>. Default http://localhost:4317.</summary>
    [Required]
    public Uri OtlpEndpoint { get; set; } = new("http://localhost:4317");
}
