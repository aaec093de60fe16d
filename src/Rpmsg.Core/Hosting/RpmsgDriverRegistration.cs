namespace Rpmsg.Core.Hosting;

/// <summary>One driver type the host registers on the bus at start, in the order they were added.</summary>
internal sealed record RpmsgDriverRegistration(Type DriverType);
