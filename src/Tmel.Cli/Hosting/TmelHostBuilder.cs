using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Rpmsg.Core;
using Tmel.Services.Crypto;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Hosting;

/// <summary>The tmel host: the whole stack against the in-memory simulator (or a simulator process), options bound from configuration, OpenTelemetry wired.</summary>
internal static class TmelHostBuilder
{
    /// <summary>Creates a host builder with the stack registered.</summary>
    /// <param name="args">Command-line configuration (for example <c>--Tmel:Qmp:FragmentTimeout=00:00:02</c>); environment
    /// variables (<c>Tmel__Qmp__FragmentTimeout</c>) and appsettings.json are read too.</param>
    /// <param name="configure">Adds to the stack (a mailbox trace, more drivers); <see langword="null"/> for none.</param>
    /// <param name="spanProcessor">An extra span processor (the demo's recorder); <see langword="null"/> for none.</param>
    /// <param name="simulatorDirectory">A <c>tmel simulator</c> directory to attach to as <c>apps</c>; <see langword="null"/> for the in-memory simulator.</param>
    /// <returns>The builder; its services may still be changed (tests swap the TimeProvider).</returns>
    public static HostApplicationBuilder Create(string[] args, Action<ITmelRpmsgBuilder>? configure = null, BaseProcessor<Activity>? spanProcessor = null, string? simulatorDirectory = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ApplicationName = "tmel",
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Logs go to standard error, warnings and up unless configured otherwise, so standard output stays the transcript.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (builder.Configuration.GetSection("Logging:LogLevel:Default").Value is null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // A refused request is the command's own result, printed once by the command, not logged on both sides as well.
            builder.Logging.AddFilter("Tmel.Services.ImageAuth.ImageAuthClient", LogLevel.Critical);
            builder.Logging.AddFilter("Tmel.Simulator.ImageAuthService", LogLevel.Critical);
        }

        // A failed start (for example a setting out of range) is reported by the caller in one line, not as a logged stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.Services.AddTmelStack(builder.Configuration, configure, spanProcessor, simulatorDirectory);
        return builder;
    }

    /// <summary>Builds the host and checks every bound setting (their validators run now, not at start), so a bad setting
    /// is reported before the command prints anything.</summary>
    /// <exception cref="TmelUsageException">One line per rejected setting.</exception>
    public static IHost Build(HostApplicationBuilder builder)
    {
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

    /// <summary>The composite one-liner: bus, QMP transport and in-memory simulator, the drivers that exist, telemetry.</summary>
    public static IServiceCollection AddTmelStack(this IServiceCollection services, IConfiguration configuration, Action<ITmelRpmsgBuilder>? configure = null, BaseProcessor<Activity>? spanProcessor = null, string? simulatorDirectory = null)
    {
        // Every section the host binds is recorded with its options type: that is what makes a Tmel: key known (TmelSettings).
        services.AddOptionsWithValidateOnStart<TelemetryOptions, TelemetryOptionsValidator>();
        services.BindTmelSection<TelemetryOptions>(TelemetryOptions.ConfigurationSection);
        services.BindTmelSection<RpmsgBusOptions>(TmelRpmsgServiceCollectionExtensions.ConfigurationSection);
        services.BindTmelSection<QmpTransportOptions>(QmpBuilderExtensions.ConfigurationSection);
        services.BindTmelSection<ImageAuthClientOptions>(TmelServicesBuilderExtensions.ImageAuthConfigurationSection);
        services.BindTmelSection<CryptoClientOptions>(CryptoServicesBuilderExtensions.CryptoConfigurationSection);

        // Unknown keys and values the binder cannot convert stop here, before the telemetry settings are read below.
        TmelSettings.ThrowIfInvalid(configuration, TmelSettings.GetSections(services));

        // Telemetry first: its hosted service builds the tracer and meter providers before the link starts, so bring-up is traced.
        services.AddTmelTelemetry(configuration, "tmel", spanProcessor);
        ITmelRpmsgBuilder stack = services.AddTmelRpmsg();
        _ = simulatorDirectory is null ? stack.UseInMemorySimulator() : stack.UseSimulatorProcess(simulatorDirectory);
        stack.UseQmp()
            .AddEcho()
            .AddImageAuth()
            .AddAttestation()
            .AddDevice()
            .AddCrypto();
        configure?.Invoke(stack);

        return services;
    }

    /// <summary>OpenTelemetry for a tmel process: traces, metrics and logs of every tmel source to the configured exporter.</summary>
    public static IServiceCollection AddTmelTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, BaseProcessor<Activity>? spanProcessor = null)
    {
        TelemetryOptions telemetry = configuration.GetSection(TelemetryOptions.ConfigurationSection).Get<TelemetryOptions>() ?? new TelemetryOptions();
        OpenTelemetryBuilder otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(TmelTelemetry.AllSources).SetSampler(new AlwaysOnSampler());
                if (spanProcessor is not null)
                {
                    tracing.AddProcessor(spanProcessor);
                }

                _ = telemetry.Exporter switch
                {
                    TelemetryExporter.Console => tracing.AddConsoleExporter(),
                    TelemetryExporter.Otlp => tracing.AddOtlpExporter(o => o.Endpoint = telemetry.OtlpEndpoint),
                    _ => tracing,
                };
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TmelTelemetry.AllSources);
                _ = telemetry.Exporter switch
                {
                    TelemetryExporter.Console => metrics.AddConsoleExporter(),
                    TelemetryExporter.Otlp => metrics.AddOtlpExporter(o => o.Endpoint = telemetry.OtlpEndpoint),
                    _ => metrics,
                };
            });

        // Logs go to the same exporter as traces and metrics (the console logger stays for the operator).
        if (telemetry.Exporter != TelemetryExporter.None)
        {
            otel.WithLogging(configureBuilder: null, configureOptions: logging => _ = telemetry.Exporter == TelemetryExporter.Console
                ? logging.AddConsoleExporter()
                : logging.AddOtlpExporter(o => o.Endpoint = telemetry.OtlpEndpoint));
        }

        return services;
    }
}
