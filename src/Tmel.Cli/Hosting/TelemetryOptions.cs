using System.ComponentModel.DataAnnotations;

namespace Tmel.Cli.Hosting;

/// <summary>Telemetry settings of the tmel host (configuration section <c>Tmel:Telemetry</c>).</summary>
internal sealed class TelemetryOptions : IValidatableObject
{
    public const string ConfigurationSection = "Tmel:Telemetry";

    /// <summary>Gets or sets the exporter. Default <see cref="TelemetryExporter.None"/>.</summary>
    [EnumDataType(typeof(TelemetryExporter))]
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>Gets or sets the OTLP endpoint, used when <see cref="Exporter"/> is <see cref="TelemetryExporter.Otlp"/>. Default http://localhost:4317.</summary>
    [Required]
    public Uri OtlpEndpoint { get; set; } = new("http://localhost:4317");

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        // The binder turns any text into a Uri (a relative one if need be); the OTLP exporter needs an absolute http(s) one.
        if (OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("OtlpEndpoint must be an absolute http or https URI, for example http://localhost:4317.", [nameof(OtlpEndpoint)]);
        }
    }
}
