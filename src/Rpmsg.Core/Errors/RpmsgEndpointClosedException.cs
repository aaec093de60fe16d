namespace Rpmsg.Core;

/// <summary>
/// The endpoint can no longer send or receive: it was destroyed, its device was removed, or the bus was
/// disposed (<see cref="RpmsgException.Error"/> says which). Modelled on <c>ChannelClosedException</c>.
/// </summary>
public sealed class RpmsgEndpointClosedException : RpmsgException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="error"><see cref="RpmsgError.EndpointClosed"/>, <see cref="RpmsgError.DeviceRemoved"/> or <see cref="RpmsgError.BusDisposed"/>.</param>
    /// <param name="address">The endpoint's address.</param>
    public RpmsgEndpointClosedException(RpmsgError error, RpmsgAddress address)
        : base(error, Describe(error, address)) => Address = address;

    /// <summary>Gets the address of the endpoint that was closed.</summary>
    public RpmsgAddress Address { get; }

    private static string Describe(RpmsgError error, RpmsgAddress address) => error switch
    {
        RpmsgError.DeviceRemoved => $"Endpoint {address} was closed because its device was removed.",
        RpmsgError.BusDisposed => $"Endpoint {address} was closed because the bus was disposed.",
        _ => $"Endpoint {address} was closed.",
    };
}
