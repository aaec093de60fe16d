using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;

namespace Tmel.Services.Attestation;

/// <summary>The rpmsg driver of TME-L's attestation service: binds to <see cref="ChannelName"/> and offers an <see cref="AttestationClient"/>.</summary>
/// <remarks>Behaves as <see cref="ImageAuthDriver"/>: one device at a time, a new client after a re-announcement; thread-safe.</remarks>
public sealed partial class AttestationDriver : TmelcomClientDriver<AttestationClient>
{
    /// <summary>The channel name TME-L announces its attestation service under.</summary>
    public const string ChannelName = "tmel-attest";


    /// <summary>Creates the driver.</summary>
    /// <param name="sharedMemory">The memory both sides address, where requests put their buffers.</param>
    /// <param name="options">The TME-L clients' settings (response timeout, late-reply hold), shared with image authentication; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for response timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AttestationDriver(IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-attest-client", ChannelName, sharedMemory, ImageAuthClientOptions.LaneSettingsOf(options), timeProvider, loggerFactory)
    {
    }

    /// <inheritdoc/>
    protected override AttestationClient CreateClient(RpmsgDevice device)
    {
        ILogger<AttestationClient> logger = LoggerFactory.CreateLogger<AttestationClient>();
        return new AttestationClient(device, CreateLane(device, logger), SharedMemory, logger);
    }
}
