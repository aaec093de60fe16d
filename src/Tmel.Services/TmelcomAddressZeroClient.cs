using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Device;
using Tmel.Services.ImageAuth;
using Tmel.Services.Internal;

namespace Tmel.Services;

/// <summary>
/// TME-L's services reached the way the RFC's own driver reaches them (its option (c)): raw TMELCOM packets from rpmsg
/// address 0 to address 0, with no announced channel. Binds address 0 on the bus and offers the typed clients over it.
/// </summary>
/// <remarks>
/// <para>
/// Address 0 is one fixed address, so an abandoned request (cancelled, timed out after it may have reached TME-L)
/// cannot retire it as a channel client does. Instead the next request waits until the late reply arrived (it is dropped),
/// the link went down (TME-L then never answers), or <see cref="TmelClientOptions.LateReplyHold"/> passed; its wait is
/// bounded by its own response timeout, after which it fails with <see cref="RpmsgTimeoutException"/>
/// (<see cref="RpmsgError.LateReplyPending"/>) without being sent. So no reply is ever taken for a later request's
/// (docs/late-replies.md). All typed clients of one instance share the one address and take turns.
/// </para>
/// <para>Thread-safe. Dispose to release address 0.</para>
/// </remarks>
public sealed class TmelcomAddressZeroClient : IAsyncDisposable
{
    private static readonly RpmsgAddress s_address = new(0);
    private readonly RpmsgEndpoint _endpoint;

    private TmelcomAddressZeroClient(RpmsgEndpoint endpoint, RequestLane lane, IRpmsgSharedMemory sharedMemory, ILogger logger)
    {
        _endpoint = endpoint;
        Lane = lane;
        ImageAuth = new ImageAuthClient(device: null, lane, sharedMemory, logger);
        Attestation = new AttestationClient(device: null, lane, sharedMemory, logger);
        Device = new DeviceClient(device: null, lane, sharedMemory);
    }

    /// <summary>Gets the image-authentication client at address 0 (SEC_AUTH, SS_TEAR_DOWN), as the RFC's driver sends them.</summary>
    public ImageAuthClient ImageAuth { get; }

    /// <summary>Gets the attestation client at address 0 (QWES INIT_ATTESTATION, DEVICE_ATTESTATION).</summary>
    public AttestationClient Attestation { get; }

    /// <summary>Gets the device client at address 0 (fuses, GET_STATE, anti-rollback versions, loopback).</summary>
    public DeviceClient Device { get; }

    internal RequestLane Lane { get; }

    /// <summary>Binds address 0 on <paramref name="bus"/> and creates the client.</summary>
    /// <param name="bus">The bus whose peer is TME-L.</param>
    /// <param name="sharedMemory">The memory both sides address, where requests put what does not fit in a packet.</param>
    /// <param name="options">Response timeout and late-reply hold; defaults when <see langword="null"/>. <see cref="TmelClientOptions.MaxAbandonedRequests"/> does not apply: address 0 holds one.</param>
    /// <param name="timeProvider">The clock for timeouts; the bus's clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the client logs; nowhere when <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bus"/> or <paramref name="sharedMemory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="RpmsgException">Address 0 is already bound on the bus (<see cref="RpmsgError.AddressInUse"/>).</exception>
    /// <exception cref="ObjectDisposedException">The bus was disposed.</exception>
    public static TmelcomAddressZeroClient Create(RpmsgBus bus, IRpmsgSharedMemory sharedMemory, ImageAuthClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(sharedMemory);
        options ??= new ImageAuthClientOptions();
        options.Validate();
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TmelcomAddressZeroClient>();
        RpmsgEndpoint endpoint = bus.CreateEndpoint(s_address);
        RequestLane lane = RequestLane.ForFixedAddress(bus, endpoint, s_address, "TME-L at address 0", options.LaneSettings, timeProvider ?? bus.TimeProvider, logger);
        return new TmelcomAddressZeroClient(endpoint, lane, sharedMemory, logger);
    }

    /// <summary>Releases address 0; pending and later calls fail with <see cref="RpmsgEndpointClosedException"/>.</summary>
    /// <returns>A task that completes when the address is released.</returns>
    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
