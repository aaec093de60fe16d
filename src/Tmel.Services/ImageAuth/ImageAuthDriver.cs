using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// The rpmsg driver of TME-L's image-authentication service: binds to the channel <see cref="ChannelName"/> when the
/// peer announces it, and offers an <see cref="ImageAuthClient"/> for the bound device.
/// </summary>
/// <remarks>
/// <para>
/// Register it on a bus (<see cref="RpmsgBus.RegisterDriverAsync"/>); application code awaits
/// <see cref="WaitForClientAsync"/>. When the device goes away (the service is withdrawn, the link is lost) the client's
/// pending and later calls fail with <see cref="RpmsgEndpointClosedException"/>, and once the service is announced again
/// the driver binds to the new device and <see cref="WaitForClientAsync"/> returns a new client.
/// </para>
/// <para>
/// The driver knows nothing of the transport below the bus: it is handed the <see cref="IRpmsgSharedMemory"/> its
/// requests may use. One device is bound at a time; a second announcement of the channel replaces the first.
/// All members are thread-safe.
/// </para>
/// </remarks>
public sealed partial class ImageAuthDriver : IRpmsgDriver
{
    /// <summary>The channel name TME-L announces its image-authentication service under.</summary>
    public const string ChannelName = "tmel-image-auth";

    private readonly IRpmsgSharedMemory _memory;
    private readonly TimeSpan _responseTimeout;
    private readonly TimeProvider? _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private TaskCompletionSource<ImageAuthClient> _client = NewClientSource();

    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The memory both sides address, where requests put what does not fit in a packet.</param>
    /// <param name="options">The clients' settings; defaults when <see langword="null"/>. Read once, here.</param>
    /// <param name="timeProvider">The clock for response timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the driver and its clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ImageAuthDriver(IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(sharedMemory);
        options ??= new ImageAuthClientOptions();
        options.Validate();
        _memory = sharedMemory;
        _responseTimeout = options.ResponseTimeout;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ImageAuthDriver>();
    }

    /// <inheritdoc/>
    public string Name => "tmel-image-auth-client";

    /// <inheritdoc/>
    public IReadOnlyCollection<string> IdTable { get; } = [ChannelName];

    /// <summary>Gets the client of the bound device, or <see langword="null"/> while none is bound.</summary>
    public ImageAuthClient? Client
    {
        get
        {
            lock (_lock)
            {
                return _client.Task.IsCompletedSuccessfully ? _client.Task.Result : null;
            }
        }
    }

    /// <summary>Waits until the service is announced and bound, and returns its client.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The client of the bound device; at once if one is bound.</returns>
    /// <remarks>The device may go away at any time after this returns; the client then fails with <see cref="RpmsgEndpointClosedException"/>, and a new wait returns the next client.</remarks>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<ImageAuthClient> WaitForClientAsync(CancellationToken cancellationToken = default)
    {
        Task<ImageAuthClient> client;
        lock (_lock)
        {
            client = _client.Task;
        }

        return client.IsCompleted ? client : client.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        RpmsgEndpoint endpoint = device.DefaultEndpoint
            ?? throw new InvalidOperationException($"Device {device} has no default endpoint.");
        var client = new ImageAuthClient(
            device,
            endpoint,
            _memory,
            _responseTimeout,
            _timeProvider ?? device.Bus.TimeProvider,
            _loggerFactory.CreateLogger<ImageAuthClient>());
        lock (_lock)
        {
            if (_client.Task.IsCompleted)
            {
                _client = NewClientSource();
            }

            _client.SetResult(client);
        }

        Log.Bound(_logger, device.Name, device.Destination.Value);
        return default;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_lock)
        {
            if (_client.Task.IsCompletedSuccessfully && ReferenceEquals(_client.Task.Result.Device, device))
            {
                _client = NewClientSource();
            }
        }

        Log.Unbound(_logger, device.Name, device.Destination.Value);
        return default;
    }

    private static TaskCompletionSource<ImageAuthClient> NewClientSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Event ids 3200-3249: the image-authentication driver.</summary>
    private static partial class Log
    {
        [LoggerMessage(3200, LogLevel.Information, "Image authentication bound to {Name} at remote address {Address}.")]
        public static partial void Bound(ILogger logger, string name, uint address);

        [LoggerMessage(3201, LogLevel.Information, "Image authentication unbound from {Name} at remote address {Address}.")]
        public static partial void Unbound(ILogger logger, string name, uint address);
    }
}
