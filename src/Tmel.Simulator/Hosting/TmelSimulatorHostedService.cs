using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tmel.Simulator.Hosting;

/// <summary>Starts the in-memory simulator with the host (its services are announced once the channel connects) and stops it after the link was closed.</summary>
/// <remarks>The simulator is created at start, not when the host constructs its hosted services, so telemetry is listening by then.</remarks>
internal sealed class TmelSimulatorHostedService(IServiceProvider services) : IHostedService
{
    private TmelSimulator? _simulator;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _simulator = services.GetRequiredService<TmelSimulator>();
        return _simulator.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _simulator is null ? Task.CompletedTask : _simulator.DisposeAsync().AsTask().WaitAsync(cancellationToken);
}
