using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Services.Internal;

namespace Tmel.Services;

/// <summary>
/// The base of the TME-L service drivers (image authentication, attestation, device, crypto): one typed client per bound
/// device, sending TMELCOM through the shared memory it was given, with the response timeout and late-reply hold of its
/// options (docs/late-replies.md).
/// </summary>
/// <typeparam name="TClient">The typed client.</typeparam>
/// <remarks>Thread-safe, as <see cref="RpmsgClientDriver{TClient}"/>.</remarks>
public abstract class TmelcomClientDriver<TClient> : RpmsgClientDriver<TClient>
    where TClient : class
{
    private readonly RequestLaneSettings _settings;
    private readonly TimeProvider? _timeProvider;

    private protected TmelcomClientDriver(string name, string channelName, IRpmsgSharedMemory sharedMemory, RequestLaneSettings settings, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
        : base(name, channelName)
    {
        ArgumentNullException.ThrowIfNull(sharedMemory);
        SharedMemory = sharedMemory;
        _settings = settings;
        _timeProvider = timeProvider;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    private protected IRpmsgSharedMemory SharedMemory { get; }

    private protected ILoggerFactory LoggerFactory { get; }

    /// <summary>The request lane of a newly bound device's client: its default endpoint, the driver's clock or else the bus's.</summary>
    private protected RequestLane CreateLane(RpmsgDevice device, ILogger logger) =>
        RequestLane.ForDevice(device, _settings, _timeProvider ?? device.Bus.TimeProvider, logger);
}
