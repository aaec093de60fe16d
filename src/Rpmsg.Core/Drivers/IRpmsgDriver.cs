namespace Rpmsg.Core;

/// <summary>An rpmsg driver (Linux's <c>struct rpmsg_driver</c>): binds to devices whose channel name is in its id table.</summary>
/// <remarks>
/// <para>When a matching device appears (or the driver is registered while one exists), the bus creates the device's
/// default endpoint with <see cref="DefaultEndpointOptions"/>, then calls <see cref="ProbeAsync"/>. When the device goes
/// away (withdrawn by the peer, link lost, removed, driver unregistered, bus disposed) the bus calls
/// <see cref="RemoveAsync"/>, then closes the device's endpoints.</para>
/// <para>Probe and remove of one bus run one at a time. From inside them, do not register or unregister drivers or
/// create or remove devices on the same bus (that throws <see cref="InvalidOperationException"/>); creating endpoints
/// and sending is fine. A probe that throws leaves the device unbound and the bus healthy; the failure is logged and
/// counted in <see cref="RpmsgBusStatistics.ProbeFailures"/>.</para>
/// </remarks>
public interface IRpmsgDriver
{
    /// <summary>Gets the driver's name, for logs.</summary>
    string Name { get; }

    /// <summary>Gets the channel names this driver binds to.</summary>
    IReadOnlyCollection<string> IdTable { get; }

    /// <summary>Gets how the device's default endpoint receives: by this callback, or (when <see langword="null"/> or without callback) through its queue.</summary>
    RpmsgEndpointOptions? DefaultEndpointOptions => null;

    /// <summary>Binds to a device; its <see cref="RpmsgDevice.DefaultEndpoint"/> already exists.</summary>
    /// <param name="device">The device.</param>
    /// <param name="cancellationToken">Cancelled when the bus is disposed.</param>
    /// <returns>A task that completes when the driver is ready.</returns>
    ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken);

    /// <summary>Unbinds from a device that is going away; its endpoints are closed right after.</summary>
    /// <param name="device">The device.</param>
    /// <param name="cancellationToken">Cancelled when the bus is disposed.</param>
    /// <returns>A task that completes when the driver let go of the device.</returns>
    ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken);
}
