using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rpmsg.Core;
using Rpmsg.Core.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rpmsg bus in a service collection.</summary>
public static class TmelRpmsgServiceCollectionExtensions
{
    /// <summary>The configuration section the host binds <see cref="RpmsgBusOptions"/> from.</summary>
    public const string ConfigurationSection = "Tmel:Rpmsg";

    /// <summary>Adds the rpmsg bus: a singleton <see cref="RpmsgBus"/> over the registered <see cref="IRpmsgTransport"/>, with options validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the bus options after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>A builder to add a transport (for example <c>UseQmp</c>), a simulator and drivers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Calling it twice is harmless. A transport must be added too; starting a host without one fails with a
    /// message that says so. The bus is created when first resolved, which starts its transport.</remarks>
    public static ITmelRpmsgBuilder AddTmelRpmsg(this IServiceCollection services, Action<RpmsgBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RpmsgBusOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RpmsgBusOptions>, RpmsgBusOptionsValidator>());
        services.TryAddSingleton(CreateBus);

        // First of the stack's hosted services: it starts before the transport's and stops after it.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RpmsgBusHostedService>());
        return new TmelRpmsgBuilder(services);
    }

    /// <summary>Adds a driver: a singleton of <typeparamref name="TDriver"/>, registered on the bus when the host starts.</summary>
    /// <typeparam name="TDriver">The driver type; resolved from the container, so its constructor may take services.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Adding the same driver type twice registers it once.</remarks>
    public static ITmelRpmsgBuilder AddDriver<TDriver>(this ITmelRpmsgBuilder builder)
        where TDriver : class, IRpmsgDriver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TDriver>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(RpmsgDriverRegistration) && d.ImplementationInstance is RpmsgDriverRegistration { DriverType: var t } && t == typeof(TDriver)))
        {
            builder.Services.AddSingleton(new RpmsgDriverRegistration(typeof(TDriver)));
        }

        return builder;
    }

    private static RpmsgBus CreateBus(IServiceProvider services)
    {
        IRpmsgTransport transport = services.GetService<IRpmsgTransport>()
            ?? throw new InvalidOperationException("No rpmsg transport is registered: add one to the builder, for example UseQmp() with UseInMemorySimulator().");
        return new RpmsgBus(
            transport,
            services.GetRequiredService<IOptions<RpmsgBusOptions>>().Value,
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILoggerFactory>(),
            services.GetService<IMeterFactory>());
    }
}
