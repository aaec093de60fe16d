using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Internal;

namespace Tmel.Services.Device;

/// <summary>The rpmsg driver of TME-L's device service: binds to <see cref="ChannelName"/> and offers a <see cref="DeviceClient"/>.</summary>
/// <remarks>Behaves as <see cref="ImageAuthDriver"/>: one device at a time, a new client after a re-announcement; thread-safe.</remarks>
public sealed class DeviceDriver : RpmsgClientDriver<DeviceClient>
{
    /// <summary>The channel name TME-L announces its device service under.</summary>
    public const string ChannelName = "tmel-device";

    private readonly IRpmsgSharedMemory _memory;
    private readonly RequestLaneSettings _settings;
    private readonly TimeProvider? _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The memory both sides address, where requests put their buffers.</param>
    /// <param name="options">The TME-L clients' settings (response timeout, late-reply hold), shared with image authentication; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for response timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DeviceDriver(IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-device-client", ChannelName)
    {
        ArgumentNullException.ThrowIfNull(sharedMemory);
        options ??= new ImageAuthClientOptions();
        options.Validate();
        _memory = sharedMemory;
        _settings = options.LaneSettings;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <inheritdoc/>
    protected override DeviceClient CreateClient(RpmsgDevice device) =>
        new(device, RequestLane.ForDevice(device, _settings, _timeProvider ?? device.Bus.TimeProvider, _loggerFactory.CreateLogger<DeviceClient>()), _memory);
}
