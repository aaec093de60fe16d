using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Device;

/// <summary>The rpmsg driver of TME-L's device service: binds to <see cref="ChannelName"/> and offers a <see cref="DeviceClient"/>.</summary>
/// <remarks>Behaves as <see cref="ImageAuthDriver"/>: one device at a time, a new client after a re-announcement; thread-safe.</remarks>
public sealed class DeviceDriver : TmelcomClientDriver<DeviceClient>
{
    /// <summary>The channel name TME-L announces its device service under.</summary>
    public const string ChannelName = "tmel-device";


    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The memory both sides address, where requests put their buffers.</param>
    /// <param name="options">The TME-L clients' settings (response timeout, late-reply hold), shared with image authentication; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for response timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DeviceDriver(IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-device-client", ChannelName, sharedMemory, ImageAuthClientOptions.LaneSettingsOf(options), timeProvider, loggerFactory)
    {
    }

    /// <inheritdoc/>
    protected override DeviceClient CreateClient(RpmsgDevice device) =>
        new(device, CreateLane(device, LoggerFactory.CreateLogger<DeviceClient>()), SharedMemory);
}
