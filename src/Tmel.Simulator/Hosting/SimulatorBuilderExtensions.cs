using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tmel.Simulator;
using Tmel.Simulator.Hosting;
using Tmel.Transport.Qmp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the simulated TME-L inside the host, on the other side of an in-memory QMP window.</summary>
public static class SimulatorBuilderExtensions
{
    /// <summary>
    /// Adds the in-memory simulator: an in-memory mailbox window whose local side the host's QMP link uses and whose remote
    /// side a <see cref="TmelSimulator"/> drives; the simulator starts with the host and stops after the link was closed.
    /// Also adds the QMP transport (<c>UseQmp()</c>) if it is not there yet. The simulator shares the host's shared-memory
    /// region; configure its fuses (<see cref="TmelSimulatorOptions.Fuses"/>) to decide which images it trusts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the simulator's options; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Call it before <c>UseQmp(...)</c> (or alone), so that on shutdown the link closes its channel before the
    /// simulator goes away. A mailbox trace added with <c>AddQmpMailboxTrace</c> receives the simulator's writes too.</remarks>
    public static ITmelRpmsgBuilder UseInMemorySimulator(this ITmelRpmsgBuilder builder, Action<TmelSimulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        // What the user left unset comes from the host: the wire trace, and one shared-memory region for both sides.
        services.AddOptions<TmelSimulatorOptions>().PostConfigure<IServiceProvider>((options, provider) =>
        {
            options.MailboxTrace ??= provider.GetService<QmpMailboxTrace>()?.Sink;
            options.SharedMemory ??= provider.GetRequiredService<QmpSharedMemoryRegion>();
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(InMemoryQmpWindow)))
        {
            services.AddSingleton<InMemoryQmpWindow>();
            services.TryAddSingleton<IQmpMailbox>(sp => sp.GetRequiredService<InMemoryQmpWindow>().Local);
            services.TryAddSingleton(CreateSimulator);
            services.AddHostedService<TmelSimulatorHostedService>();
        }

        return builder.UseQmp();
    }

    /// <summary>
    /// Adds a simulated TME-L that serves a directory for peers in other processes (docs/attach-a-peer.md): one simulator per
    /// subsystem, each over its own shared-memory window, socket doorbells and SRAM file. It starts and stops with the host.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the directory, the subsystems, the SRAM and the fuses.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>At start a second simulator on the directory fails with a <see cref="QmpProcessLayoutException"/> naming the lock file.</remarks>
    public static IServiceCollection AddTmelSimulatorProcess(this IServiceCollection services, Action<TmelSimulatorProcessOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<TmelSimulatorProcessService>();
        return services;
    }

    private static TmelSimulator CreateSimulator(IServiceProvider services) => new(
        services.GetRequiredService<InMemoryQmpWindow>().Remote,
        services.GetRequiredService<IOptions<TmelSimulatorOptions>>().Value,
        services.GetRequiredService<TimeProvider>(),
        services.GetService<ILoggerFactory>());
}
