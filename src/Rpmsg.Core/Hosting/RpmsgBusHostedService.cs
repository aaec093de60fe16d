using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Rpmsg.Core.Hosting;

/// <summary>Registers the added drivers on the bus when the host starts, and disposes the bus when it stops.</summary>
/// <remarks>Registered first, so it starts before the transport's own service and stops after it: drivers are in place
/// before the first announcement arrives, and the bus goes away only once the link was closed.
/// <para>The bus is resolved at start, not at construction: the host constructs every hosted service before starting any,
/// and the bus starts its transport when created, which must come after telemetry's own service has started.</para></remarks>
internal sealed class RpmsgBusHostedService(IServiceProvider services, IEnumerable<RpmsgDriverRegistration> drivers) : IHostedService
{
    private RpmsgBus? _bus;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RpmsgBus bus = _bus = services.GetRequiredService<RpmsgBus>();
        foreach (Type type in drivers.Select(d => d.DriverType).Distinct())
        {
            var driver = (IRpmsgDriver)services.GetRequiredService(type);
            await bus.RegisterDriverAsync(driver, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_bus is not null)
        {
            await _bus.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
