using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.Internal;

namespace Tmel.Services.Crypto;

/// <summary>The rpmsg driver of TME-L's crypto services: binds a <see cref="CryptoClient"/> to the announced <c>tmel-crypto</c> channel.</summary>
public sealed partial class CryptoDriver : TmelcomClientDriver<CryptoClient>
{
    /// <summary>The channel name the simulated TME-L announces the KM and HCS services under.</summary>
    public const string ChannelName = "tmel-crypto";

    private readonly ILogger _logger;

    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The transport's shared memory, where structs and data buffers go.</param>
    /// <param name="options">The client options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timeouts; the bus's when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public CryptoDriver(IRpmsgSharedMemory sharedMemory, CryptoClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-crypto-client", ChannelName, sharedMemory, CryptoClientOptions.LaneSettingsOf(options), timeProvider, loggerFactory)
    {
        _logger = LoggerFactory.CreateLogger<CryptoDriver>();
    }

    /// <inheritdoc/>
    protected override CryptoClient CreateClient(RpmsgDevice device)
    {
        ILogger<CryptoClient> logger = LoggerFactory.CreateLogger<CryptoClient>();
        RequestLane lane = CreateLane(device, logger);
        Log.Bound(_logger, device.Name, device.Destination.Value);
        return new CryptoClient(device, lane, SharedMemory);
    }

    /// <inheritdoc/>
    protected override void OnRemoved(RpmsgDevice device) => Log.Unbound(_logger, device.Name, device.Destination.Value);

    /// <summary>Event ids 3600-3449: the crypto driver.</summary>
    private static partial class Log
    {
        [LoggerMessage(3600, LogLevel.Information, "Crypto bound to {Name} at remote address {Address}.")]
        public static partial void Bound(ILogger logger, string name, uint address);

        [LoggerMessage(3601, LogLevel.Information, "Crypto unbound from {Name} at remote address {Address}.")]
        public static partial void Unbound(ILogger logger, string name, uint address);
    }
}
