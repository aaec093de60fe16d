namespace Tmel.Services;

/// <summary>The names under which Tmel.Services publishes its traces and metrics.</summary>
public static class TmelServicesTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/> and Meter.</summary>
    public const string SourceName = "Tmel.Services";
}
