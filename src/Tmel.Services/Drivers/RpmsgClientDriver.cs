using Rpmsg.Core;

namespace Tmel.Services;

/// <summary>
/// A driver that hands application code one typed client per bound device: bound by announcement, replaced when the peer
/// re-announces, gone when the device goes away. Callers await the current client with <see cref="WaitForClientAsync(CancellationToken)"/>.
/// </summary>
/// <typeparam name="TClient">The typed client.</typeparam>
/// <remarks>Thread-safe. A client's calls fail with <see cref="RpmsgEndpointClosedException"/> once its device is removed;
/// the next <see cref="WaitForClientAsync(CancellationToken)"/> then waits for the device to come back.</remarks>
public abstract class RpmsgClientDriver<TClient> : IRpmsgDriver
    where TClient : class
{
    private readonly Lock _lock = new();
    private TaskCompletionSource<TClient> _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RpmsgDevice? _device;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The driver's name, for logs.</param>
    /// <param name="channelName">The channel name the driver binds to.</param>
    protected RpmsgClientDriver(string name, string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        Name = name;
        IdTable = [channelName];
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> IdTable { get; }

    /// <summary>Gets the client of the bound device, or <see langword="null"/> while none is bound.</summary>
    public TClient? Client
    {
        get
        {
            lock (_lock)
            {
                return _current.Task.IsCompletedSuccessfully ? _current.Task.Result : null;
            }
        }
    }

    /// <summary>Waits until a device is bound and returns its client.</summary>
    /// <param name="cancellationToken">Ends the wait; use a token with a timeout to bound it.</param>
    /// <returns>The client.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<TClient> WaitForClientAsync(CancellationToken cancellationToken = default)
    {
        Task<TClient> current;
        lock (_lock)
        {
            current = _current.Task;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>Waits, at most <paramref name="timeout"/> by <paramref name="timeProvider"/>'s clock, until a device is bound and returns its client.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The client.</returns>
    /// <exception cref="TimeoutException">No device was bound within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<TClient> WaitForClientAsync(TimeSpan timeout, TimeProvider? timeProvider, CancellationToken cancellationToken = default)
    {
        Task<TClient> current;
        lock (_lock)
        {
            current = _current.Task;
        }

        try
        {
            // One wait on the client source itself: a timed-out wait takes its continuation off the source again.
            return await current.WaitAsync(timeout, timeProvider ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No '{IdTable.First()}' device was bound within {timeout.TotalMilliseconds:0.###} ms.");
        }
    }

    /// <inheritdoc/>
    public ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        TClient client = CreateClient(device);
        lock (_lock)
        {
            _device = device;
            if (_current.Task.IsCompleted)
            {
                _current = new TaskCompletionSource<TClient>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _current.SetResult(client);
        }

        return default;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_lock)
        {
            if (ReferenceEquals(_device, device))
            {
                _device = null;
                _current = new TaskCompletionSource<TClient>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        OnRemoved(device);
        return default;
    }

    /// <summary>Called after a bound device went away and its client was dropped; the default does nothing.</summary>
    /// <param name="device">The device.</param>
    protected virtual void OnRemoved(RpmsgDevice device)
    {
    }

    /// <summary>Creates the typed client of a newly bound device; its default endpoint exists.</summary>
    /// <param name="device">The device.</param>
    /// <returns>The client.</returns>
    protected abstract TClient CreateClient(RpmsgDevice device);
}
