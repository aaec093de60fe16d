using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// The rpmsg driver of TME-L's image-authentication service: binds to the channel <see cref="ChannelName"/> when the
/// peer announces it, and offers an <see cref="ImageAuthClient"/> for the bound device.
/// </summary>
/// <remarks>
/// <para>
/// Register it on a bus (<see cref="RpmsgBus.RegisterDriverAsync"/>); application code awaits
/// <see cref="RpmsgClientDriver{TClient}.WaitForClientAsync(CancellationToken)"/>. When the device goes away (the service is withdrawn, the link is lost) the client's
/// pending and later calls fail with <see cref="RpmsgEndpointClosedException"/>, and once the service is announced again
/// the driver binds to the new device and the next wait returns a new client.
/// </para>
/// <para>
/// The driver knows nothing of the transport below the bus: it is handed the <see cref="IRpmsgSharedMemory"/> its
/// requests may use. One device is bound at a time; a second announcement of the channel replaces the first.
/// All members are thread-safe.
/// </para>
/// </remarks>
public sealed partial class ImageAuthDriver : TmelcomClientDriver<ImageAuthClient>
{
    /// <summary>The channel name TME-L announces its image-authentication service under.</summary>
    public const string ChannelName = "tmel-image-auth";

    private readonly ILogger _logger;

    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The memory both sides address, where requests put what does not fit in a packet.</param>
    /// <param name="options">The clients' settings; defaults when <see langword="null"/>. Read once, here.</param>
    /// <param name="timeProvider">The clock for response timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the driver and its clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ImageAuthDriver(IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-image-auth-client", ChannelName, sharedMemory, ImageAuthClientOptions.LaneSettingsOf(options), timeProvider, loggerFactory)
    {
        _logger = LoggerFactory.CreateLogger<ImageAuthDriver>();
    }

    /// <inheritdoc/>
    protected override ImageAuthClient CreateClient(RpmsgDevice device)
    {
        ILogger<ImageAuthClient> logger = LoggerFactory.CreateLogger<ImageAuthClient>();
        var client = new ImageAuthClient(device, CreateLane(device, logger), SharedMemory, logger);
        Log.Bound(_logger, device.Name, device.Destination.Value);
        return client;
    }

    /// <inheritdoc/>
    protected override void OnRemoved(RpmsgDevice device) => Log.Unbound(_logger, device.Name, device.Destination.Value);

    /// <summary>Event ids 3200-3249: the image-authentication driver.</summary>
    private static partial class Log
    {
        [LoggerMessage(3200, LogLevel.Information, "Image authentication bound to {Name} at remote address {Address}.")]
        public static partial void Bound(ILogger logger, string name, uint address);

        [LoggerMessage(3201, LogLevel.Information, "Image authentication unbound from {Name} at remote address {Address}.")]
        public static partial void Unbound(ILogger logger, string name, uint address);
    }
}
