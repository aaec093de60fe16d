using Microsoft.Extensions.DependencyInjection.Extensions;
using Tmel.Transport.Qmp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches the hosted stack to a simulated TME-L running in its own process (<c>tmel simulator --dir DIR</c>).</summary>
public static class QmpProcessBuilderExtensions
{
    /// <summary>
    /// Makes the link's mailbox the APPS side of a subsystem of a simulator directory (a <see cref="QmpSharedMemoryMailbox"/>),
    /// and the shared-memory region that subsystem's SRAM file; adds the QMP transport (<c>UseQmp()</c>) if it is not there yet.
    /// Use it instead of <c>UseInMemorySimulator()</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The simulator's directory.</param>
    /// <param name="subsystem">The subsystem to attach as; default <c>apps</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> or <paramref name="subsystem"/> is empty.</exception>
    /// <remarks>
    /// The directory is read when the link is created (at host start): a missing or malformed <c>layout.json</c>, an unknown
    /// version, an unlisted subsystem, a file of the wrong size or a second client on the subsystem stop the start with a
    /// <see cref="QmpProcessLayoutException"/> naming the file. The SRAM size and bus address come from the layout, not from
    /// <see cref="QmpTransportOptions"/>. The spin policy measures wake-ups on the system clock, whatever the host's
    /// <see cref="TimeProvider"/>: it is a performance heuristic, not a protocol timeout.
    /// </remarks>
    public static ITmelRpmsgBuilder UseSimulatorProcess(this ITmelRpmsgBuilder builder, string directory, string subsystem = "apps")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(subsystem);
        IServiceCollection services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(_ => QmpSharedMemoryMailbox.AttachClient(directory, subsystem, TimeProvider.System)));
        services.Replace(ServiceDescriptor.Singleton<IQmpMailbox>(sp => sp.GetRequiredService<QmpSharedMemoryMailbox>()));
        services.Replace(ServiceDescriptor.Singleton(sp => sp.GetRequiredService<QmpSharedMemoryMailbox>().CreateSharedMemoryRegion()));
        return builder.UseQmp();
    }
}
