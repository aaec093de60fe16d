using System.Diagnostics;

namespace Tmel.Cli.Hosting;

/// <summary>The CLI's own spans (one root span per demo step) and the names of every instrumented library.</summary>
internal static class TmelTelemetry
{
    public const string SourceName = "Tmel.Cli";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Every ActivitySource and Meter of the stack, for the host's AddSource and AddMeter.</summary>
    public static readonly string[] AllSources =
    [
        Rpmsg.Core.RpmsgTelemetry.SourceName,
        Tmel.Transport.Qmp.QmpTelemetry.SourceName,
        Tmel.Services.TmelServicesTelemetry.SourceName,
        "Tmel.Simulator",
        SourceName,
    ];
}
