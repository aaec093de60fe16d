using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tmel.Simulator;

namespace Tmel.Cli.Hosting;

/// <summary>The host of <c>tmel simulator</c>: the simulated TME-L serving a directory, with the same logging and telemetry settings as the tmel host.</summary>
internal static class TmelSimulatorHostBuilder
{
    /// <param name="args">Host settings (<c>--Tmel:...</c>, <c>--Logging:...</c>).</param>
    /// <param name="configure">The directory, subsystems, SRAM, fuses and state.</param>
    /// <param name="soakEchoServices">Above 0: serve one subsystem with the soak's echo services next to the TME-L's (<c>--soak-echo</c>).</param>
    public static IHost Build(string[] args, Action<TmelSimulatorProcessOptions> configure, int soakEchoServices = 0)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ApplicationName = "tmel-simulator",
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Logs go to standard error (Information and up unless configured), so standard output is the command's own lines.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (builder.Configuration.GetSection("Logging:LogLevel:Default").Value is null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddOptionsWithValidateOnStart<TelemetryOptions, TelemetryOptionsValidator>();
        builder.Services.BindTmelSection<TelemetryOptions>(TelemetryOptions.ConfigurationSection);
        TmelSettings.ThrowIfInvalid(builder.Configuration, TmelSettings.GetSections(builder.Services));
        builder.Services.AddTmelTelemetry(builder.Configuration, "tmel-simulator");
        if (soakEchoServices > 0)
        {
            builder.Services.Configure(configure);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(new Soak.SoakEchoCount(soakEchoServices));
            builder.Services.AddHostedService<Soak.SoakSimulatorService>();
        }
        else
        {
            builder.Services.AddTmelSimulatorProcess(configure);
        }

        IHost host = builder.Build();
        try
        {
            TmelSettings.ThrowIfInvalid(host.Services, builder.Configuration);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
