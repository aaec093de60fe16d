namespace Rpmsg.Core;

/// <summary>An rpmsg device (channel): a named service on the remote side, with a local and a remote address.</summary>
/// <remarks>
/// Devices appear when the peer announces a channel through the name service (or when code calls
/// <see cref="RpmsgBus.CreateDeviceAsync"/>) and disappear when it is withdrawn, when the link goes down (announced
/// devices only), or when removed. While a driver is bound, <see cref="DefaultEndpoint"/> is its endpoint and
/// <see cref="Source"/> is that endpoint's address.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer or wait handle to release, and Removed must stay readable after removal.")]
public sealed class RpmsgDevice
{
    private readonly Lock _gate = new();
    private readonly List<RpmsgEndpoint> _endpoints = [];
    private readonly CancellationTokenSource _removed = new();
    private readonly RpmsgAddress _requestedSource;
    private bool _removing;

    internal RpmsgDevice(RpmsgBus bus, string name, RpmsgAddress source, RpmsgAddress destination, bool isAnnounced)
    {
        Bus = bus;
        Name = name;
        _requestedSource = source;
        Destination = destination;
        IsAnnounced = isAnnounced;
    }

    /// <summary>Gets the bus the device lives on.</summary>
    public RpmsgBus Bus { get; }

    /// <summary>Gets the channel name, which drivers match against their id table.</summary>
    public string Name { get; }

    /// <summary>Gets the local address: the default endpoint's while a driver is bound, otherwise the one requested (often <see cref="RpmsgAddress.Any"/>).</summary>
    public RpmsgAddress Source => DefaultEndpoint?.Address ?? _requestedSource;

    /// <summary>Gets the remote address the channel's messages go to.</summary>
    public RpmsgAddress Destination { get; }

    /// <summary>Gets a value indicating whether the device came from a name-service announcement (and so goes away with the link).</summary>
    public bool IsAnnounced { get; }

    /// <summary>Gets the driver bound to this device, if any.</summary>
    public IRpmsgDriver? Driver { get; private set; }

    /// <summary>Gets the endpoint created for the bound driver, if any.</summary>
    public RpmsgEndpoint? DefaultEndpoint { get; private set; }

    /// <summary>Gets a token that is cancelled once the device is removed: its driver's remove ran, its endpoints are closed, and it left <see cref="RpmsgBus.Devices"/>.</summary>
    public CancellationToken Removed => _removed.Token;

    /// <summary>Gets a value indicating whether the device was removed.</summary>
    public bool IsRemoved => _removed.IsCancellationRequested;

    internal RpmsgAddress RequestedSource => _requestedSource;

    /// <summary>Set (under the bus lock) once the device was offered to the drivers; waiters see only ready devices.</summary>
    internal bool IsReady { get; set; }

    /// <summary>Creates an endpoint that belongs to this device: it sends to <see cref="Destination"/> by default and closes when the device is removed.</summary>
    /// <param name="address">A fixed address, or <see cref="RpmsgAddress.Any"/> for a dynamic one.</param>
    /// <param name="options">How the endpoint receives; queued by default.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="RpmsgException">The address is taken (<see cref="RpmsgError.AddressInUse"/>) or no dynamic address is free.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The device was removed (<see cref="RpmsgError.DeviceRemoved"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The address is above what the transport carries.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    public RpmsgEndpoint CreateEndpoint(RpmsgAddress address, RpmsgEndpointOptions? options = null) =>
        Bus.CreateEndpointCore(address, options, this);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Source} -> {Destination})";

    /// <summary>Adds an endpoint to the device, unless it was removed already.</summary>
    internal bool TryAttach(RpmsgEndpoint endpoint)
    {
        lock (_gate)
        {
            if (_removing)
            {
                return false;
            }

            _endpoints.Add(endpoint);
            return true;
        }
    }

    /// <summary>Signals <see cref="Removed"/>; called last, once the device is gone from the bus.</summary>
    internal void MarkRemoved() => _removed.Cancel();

    internal void Detach(RpmsgEndpoint endpoint)
    {
        lock (_gate)
        {
            _endpoints.Remove(endpoint);
        }
    }

    internal void Bind(IRpmsgDriver driver, RpmsgEndpoint endpoint)
    {
        Driver = driver;
        DefaultEndpoint = endpoint;
    }

    internal void Unbind()
    {
        Driver = null;
        DefaultEndpoint = null;
    }

    /// <summary>Takes every endpoint of the device; with <paramref name="removing"/>, also refuses any further endpoint.</summary>
    internal RpmsgEndpoint[] TakeEndpoints(bool removing)
    {
        lock (_gate)
        {
            _removing |= removing;

            RpmsgEndpoint[] endpoints = [.. _endpoints];
            _endpoints.Clear();
            return endpoints;
        }
    }
}
