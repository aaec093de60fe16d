using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds QMP as the rpmsg transport of a hosted stack.</summary>
public static class QmpBuilderExtensions
{
    /// <summary>The configuration section the host binds <see cref="QmpTransportOptions"/> from.</summary>
    public const string ConfigurationSection = "Tmel:Qmp";

    /// <summary>The name of the link's health check.</summary>
    public const string HealthCheckName = "tmel-qmp-link";

    /// <summary>
    /// Makes QMP the transport: the local (APPS) side of a link over the registered <see cref="IQmpMailbox"/>, the shared-memory
    /// region (also as <see cref="IRpmsgSharedMemory"/>), the <see cref="QmpLinkHostedService"/> that owns the link, and its health check.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>A mailbox must be registered: <c>UseInMemorySimulator()</c> does it, or register your own <see cref="IQmpMailbox"/>.
    /// Options are validated at start. Calling it twice is harmless.</remarks>
    public static ITmelRpmsgBuilder UseQmp(this ITmelRpmsgBuilder builder, Action<QmpTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddOptionsWithValidateOnStart<QmpTransportOptions, QmpTransportOptionsSectionValidator>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(QmpLinkHostedService)))
        {
            return builder;
        }

        services.TryAddSingleton(sp =>
        {
            QmpTransportOptions options = sp.GetRequiredService<IOptions<QmpTransportOptions>>().Value;
            return new QmpSharedMemoryRegion(options.SharedMemorySize, options.SharedMemoryBaseAddress);
        });
        services.TryAddSingleton<IRpmsgSharedMemory>(sp => sp.GetRequiredService<QmpSharedMemoryRegion>());
        services.TryAddSingleton(sp => new QmpLink(
            sp.GetService<IQmpMailbox>() ?? throw new InvalidOperationException("No QMP mailbox is registered: call UseInMemorySimulator(), or register an IQmpMailbox."),
            QmpRole.Local,
            sp.GetRequiredService<IOptions<QmpTransportOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<QmpMailboxTrace>()?.Sink,
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IRpmsgTransport>(sp => new QmpRpmsgTransport(sp.GetRequiredService<QmpLink>(), sp.GetService<ILoggerFactory>()));
        services.AddSingleton<QmpLinkHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<QmpLinkHostedService>());
        services.AddHealthChecks().AddCheck<QmpLinkHealthCheck>(HealthCheckName, tags: ["tmel", "qmp"]);
        return builder;
    }

    /// <summary>Sends every mailbox write of the hosted link (and of an in-memory simulator) to <paramref name="sink"/>: the wire, as an operator reads it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sink">Receives each write, in order, on the writing side's thread; keep it short.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public static ITmelRpmsgBuilder AddQmpMailboxTrace(this ITmelRpmsgBuilder builder, Action<QmpMailboxWrite> sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton(new QmpMailboxTrace(sink)));
        return builder;
    }
}
