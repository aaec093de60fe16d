namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the rpmsg stack in a service collection: each layer adds its own extension methods (a transport, a simulator, drivers).</summary>
/// <remarks>Returned by <see cref="TmelRpmsgServiceCollectionExtensions.AddTmelRpmsg(IServiceCollection, Action{Rpmsg.Core.RpmsgBusOptions}?)"/>.</remarks>
public interface ITmelRpmsgBuilder
{
    /// <summary>Gets the service collection the stack is registered in.</summary>
    IServiceCollection Services { get; }
}
