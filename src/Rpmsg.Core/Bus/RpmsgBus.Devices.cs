namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    // Probe and remove run one at a time per bus, under this gate; the flag below catches a driver that calls back
    // into a lifecycle operation of the same bus from inside them, which would otherwise wait for itself forever.
    private static readonly AsyncLocal<RpmsgBus?> s_driverCallbackBus = new();
    private readonly SemaphoreSlim _lifecycleGate = new(1, 1);
    private readonly List<RpmsgDevice> _devices = [];
    private readonly List<IRpmsgDriver> _drivers = [];
    private readonly List<(string Name, TaskCompletionSource<RpmsgDevice> Waiter)> _deviceWaiters = [];

    /// <summary>Gets how many device waits are pending (for tests: a wait that ended must not stay listed).</summary>
    internal int PendingDeviceWaits
    {
        get
        {
            lock (_gate)
            {
                return _deviceWaiters.Count;
            }
        }
    }

    /// <summary>Gets a snapshot of the devices on the bus.</summary>
    public IReadOnlyList<RpmsgDevice> Devices => SnapshotDevices();

    /// <summary>Registers a driver and probes it on every existing unbound device whose name is in its id table; later devices are probed as they appear.</summary>
    /// <param name="driver">The driver.</param>
    /// <param name="cancellationToken">Ends the wait for an ongoing probe or remove of another device.</param>
    /// <returns>A task that completes when the driver was probed on every matching device (a failed probe is logged and counted, not thrown).</returns>
    /// <exception cref="ArgumentException">The driver has no name or an empty id table.</exception>
    /// <exception cref="InvalidOperationException">The driver is already registered, or this is called from a probe or remove on this bus.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before registration.</exception>
    public async Task RegisterDriverAsync(IRpmsgDriver driver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentException.ThrowIfNullOrEmpty(driver.Name, nameof(driver));
        if (driver.IdTable is null || driver.IdTable.Count == 0)
        {
            throw new ArgumentException($"Driver {driver.Name} has an empty id table.", nameof(driver));
        }

        await EnterLifecycleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_drivers.Contains(driver))
                {
                    throw new InvalidOperationException($"Driver {driver.Name} is already registered.");
                }

                _drivers.Add(driver);
            }

            Log.DriverRegistered(_logger, driver.Name);
            foreach (RpmsgDevice device in SnapshotDevices())
            {
                if (device.Driver is null && !device.IsRemoved && Matches(driver, device))
                {
                    await ProbeCoreAsync(device, driver).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Unregisters a driver: removes it from every device it is bound to, then offers those devices to the other drivers.</summary>
    /// <param name="driver">The driver.</param>
    /// <param name="cancellationToken">Ends the wait for an ongoing probe or remove.</param>
    /// <returns>A task that completes when the driver let go of every device.</returns>
    /// <exception cref="InvalidOperationException">Called from a probe or remove on this bus.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the driver was unregistered.</exception>
    public async Task UnregisterDriverAsync(IRpmsgDriver driver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driver);
        await EnterLifecycleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (!_drivers.Remove(driver))
                {
                    return;
                }
            }

            foreach (RpmsgDevice device in SnapshotDevices())
            {
                if (device.Driver == driver)
                {
                    await UnbindCoreAsync(device, RpmsgError.DeviceRemoved, removing: false).ConfigureAwait(false);
                    await BindCoreAsync(device).ConfigureAwait(false);
                }
            }

            Log.DriverUnregistered(_logger, driver.Name);
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Creates a device for a channel the peer did not announce (Linux's <c>rpmsg_create_channel</c>) and probes a matching driver.</summary>
    /// <param name="name">The channel name: 1 to 31 printable ASCII characters.</param>
    /// <param name="source">The local address for the default endpoint, or <see cref="RpmsgAddress.Any"/>.</param>
    /// <param name="destination">The remote address.</param>
    /// <param name="cancellationToken">Ends the wait for an ongoing probe or remove.</param>
    /// <returns>The device, bound if a driver matched and probed successfully.</returns>
    /// <exception cref="ArgumentException">The name is not a valid channel name, or the destination is <see cref="RpmsgAddress.Any"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An address is above <see cref="MaxAddress"/>.</exception>
    /// <exception cref="RpmsgException">A device with this name and destination exists (<see cref="RpmsgError.DeviceExists"/>).</exception>
    /// <exception cref="InvalidOperationException">Called from a probe or remove on this bus.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the device was created.</exception>
    public async Task<RpmsgDevice> CreateDeviceAsync(string name, RpmsgAddress source, RpmsgAddress destination, CancellationToken cancellationToken = default)
    {
        RpmsgNameServiceMessage.ValidateName(name, nameof(name));
        if (destination.IsAny)
        {
            ThrowHelper.ThrowDestinationAny(nameof(destination));
        }

        if (destination > MaxAddress)
        {
            ThrowHelper.ThrowAddressOutOfRange(nameof(destination), destination, MaxAddress.Value);
        }

        if (!source.IsAny && source > MaxAddress)
        {
            ThrowHelper.ThrowAddressOutOfRange(nameof(source), source, MaxAddress.Value);
        }

        await EnterLifecycleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await AddDeviceCoreAsync(name, source, destination, isAnnounced: false).ConfigureAwait(false)
                ?? throw new RpmsgException(RpmsgError.DeviceExists, $"A device {name} with remote address {destination} already exists.");
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Removes a device: runs its driver's remove, then closes its endpoints (pending reads fail with <see cref="RpmsgError.DeviceRemoved"/>).</summary>
    /// <param name="device">The device; removing one that is already gone does nothing.</param>
    /// <param name="cancellationToken">Ends the wait for an ongoing probe or remove.</param>
    /// <returns>A task that completes when the device is gone.</returns>
    /// <exception cref="ArgumentException">The device belongs to another bus.</exception>
    /// <exception cref="InvalidOperationException">Called from a probe or remove on this bus.</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the device was removed.</exception>
    public async Task RemoveDeviceAsync(RpmsgDevice device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Bus != this)
        {
            throw new ArgumentException("The device belongs to another bus.", nameof(device));
        }

        await EnterLifecycleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RemoveDeviceCoreAsync(device, RpmsgError.DeviceRemoved).ConfigureAwait(false);
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Waits until a device with the given channel name exists (and, if a driver matched, was probed).</summary>
    /// <param name="name">The channel name.</param>
    /// <param name="cancellationToken">Ends the wait; use a token with a timeout to bound it.</param>
    /// <returns>The device.</returns>
    /// <exception cref="RpmsgException">The bus was disposed while waiting (<see cref="RpmsgError.BusDisposed"/>).</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<RpmsgDevice> WaitForDeviceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        TaskCompletionSource<RpmsgDevice> waiter;
        lock (_gate)
        {
            ThrowIfDisposed();
            RpmsgDevice? existing = _devices.Find(d => d.Name == name && d.IsReady && !d.IsRemoved);
            if (existing is not null)
            {
                return existing;
            }

            waiter = new TaskCompletionSource<RpmsgDevice>(TaskCreationOptions.RunContinuationsAsynchronously);
            _deviceWaiters.Add((name, waiter));
        }

        try
        {
            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _deviceWaiters.RemoveAll(w => w.Waiter == waiter);
            }
        }
    }

    private static bool Matches(IRpmsgDriver driver, RpmsgDevice device) => driver.IdTable.Contains(device.Name, StringComparer.Ordinal);

    private RpmsgDevice[] SnapshotDevices()
    {
        lock (_gate)
        {
            return [.. _devices];
        }
    }

    private async Task EnterLifecycleAsync(CancellationToken cancellationToken)
    {
        ThrowIfInDriverCallback();
        ThrowIfDisposed();
        await _lifecycleGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (IsDisposed)
        {
            _lifecycleGate.Release();
            ThrowIfDisposed();
        }
    }

    private void ThrowIfInDriverCallback()
    {
        if (s_driverCallbackBus.Value == this)
        {
            throw new InvalidOperationException("A driver's probe or remove cannot register drivers, create or remove devices, or dispose the bus it runs on.");
        }
    }

    // The callers below hold _lifecycleGate.

    /// <summary>Adds a device and binds it; returns null if a device with this name and destination exists.</summary>
    private async Task<RpmsgDevice?> AddDeviceCoreAsync(string name, RpmsgAddress source, RpmsgAddress destination, bool isAnnounced)
    {
        RpmsgDevice device;
        lock (_gate)
        {
            if (_devices.Exists(d => d.Name == name && d.Destination == destination))
            {
                return null;
            }

            device = new RpmsgDevice(this, name, source, destination, isAnnounced);
            _devices.Add(device);
        }

        Log.DeviceAdded(_logger, name, destination.Value, isAnnounced);
        await BindCoreAsync(device).ConfigureAwait(false);
        CompleteDeviceWaiters(device);
        return device;
    }

    private async Task RemoveDeviceCoreAsync(RpmsgDevice device, RpmsgError reason)
    {
        if (device.IsRemoved)
        {
            return;
        }

        await UnbindCoreAsync(device, reason, removing: true).ConfigureAwait(false);
        lock (_gate)
        {
            _devices.Remove(device);
        }

        device.MarkRemoved();
        Log.DeviceRemoved(_logger, device.Name, device.Destination.Value);
    }

    private async Task BindCoreAsync(RpmsgDevice device)
    {
        IRpmsgDriver[] drivers;
        lock (_gate)
        {
            drivers = [.. _drivers];
        }

        foreach (IRpmsgDriver driver in drivers)
        {
            if (Matches(driver, device) && await ProbeCoreAsync(device, driver).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> ProbeCoreAsync(RpmsgDevice device, IRpmsgDriver driver)
    {
        RpmsgEndpoint endpoint;
        try
        {
            endpoint = CreateEndpointCore(device.RequestedSource, driver.DefaultEndpointOptions, device);
        }
        catch (RpmsgException ex)
        {
            Interlocked.Increment(ref _probeFailures);
            Log.ProbeFailed(_logger, driver.Name, device.Name, ex);
            return false;
        }

        device.Bind(driver, endpoint);
        s_driverCallbackBus.Value = this;
        try
        {
            await driver.ProbeAsync(device, _disposing.Token).ConfigureAwait(false);
            Log.DriverProbed(_logger, driver.Name, device.Name, endpoint.Address.Value);
            return true;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _probeFailures);
            Log.ProbeFailed(_logger, driver.Name, device.Name, ex);
            device.Unbind();
            foreach (RpmsgEndpoint owned in device.TakeEndpoints(removing: false))
            {
                await DestroyEndpointAsync(owned, RpmsgError.DeviceRemoved).ConfigureAwait(false);
            }

            return false;
        }
        finally
        {
            s_driverCallbackBus.Value = null;
        }
    }

    private async Task UnbindCoreAsync(RpmsgDevice device, RpmsgError reason, bool removing)
    {
        if (device.Driver is { } driver)
        {
            s_driverCallbackBus.Value = this;
            try
            {
                await driver.RemoveAsync(device, _disposing.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.RemoveFailed(_logger, driver.Name, device.Name, ex);
            }
            finally
            {
                s_driverCallbackBus.Value = null;
            }

            device.Unbind();
        }

        foreach (RpmsgEndpoint endpoint in device.TakeEndpoints(removing))
        {
            await DestroyEndpointAsync(endpoint, reason).ConfigureAwait(false);
        }
    }

    private void CompleteDeviceWaiters(RpmsgDevice device)
    {
        List<TaskCompletionSource<RpmsgDevice>> ready = [];
        lock (_gate)
        {
            device.IsReady = true;
            foreach ((string name, TaskCompletionSource<RpmsgDevice> waiter) in _deviceWaiters)
            {
                if (name == device.Name)
                {
                    ready.Add(waiter);
                }
            }
        }

        foreach (TaskCompletionSource<RpmsgDevice> waiter in ready)
        {
            waiter.TrySetResult(device);
        }
    }

    private void FailDeviceWaiters()
    {
        TaskCompletionSource<RpmsgDevice>[] waiters;
        lock (_gate)
        {
            waiters = [.. _deviceWaiters.Select(w => w.Waiter)];
        }

        foreach (TaskCompletionSource<RpmsgDevice> waiter in waiters)
        {
            waiter.TrySetException(new RpmsgException(RpmsgError.BusDisposed, "The bus was disposed while waiting for a device."));
        }
    }
}
