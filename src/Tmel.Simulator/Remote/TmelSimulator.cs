using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L: the remote (TME-L) side of a QMP link, its own rpmsg bus, and the services it announces to the
/// application processor through the name service.
/// </summary>
/// <remarks>
/// <para>
/// Services are announced once the simulator starts; the bus repeats the announcements whenever the channel (re)connects,
/// and disposing the simulator withdraws them before the link goes down. The simulator offers the diagnostic echo service
/// (<see cref="EchoChannel"/>), attestation (<see cref="AttestationChannel"/>), the device's own state (<see cref="DeviceChannel"/>:
/// fuses, GET_STATE, anti-rollback versions, loopback) and image authentication (<see cref="ImageAuthChannel"/>: SEC_AUTH, SEC_AUTH_V2 and SS_TEAR_DOWN,
/// verifying TSIM-MBN7 images against <see cref="TmelSimulatorOptions.Fuses"/>, with simulated time from the
/// <see cref="TimeProvider"/>).
/// </para>
/// <para>
/// The RFC's own driver is served too: it never writes the mailbox's reserved word, so its raw TMELCOM packets arrive
/// from rpmsg address 0 to address 0, and the simulator answers them there in the same forms.
/// </para>
/// </remarks>
public sealed partial class TmelSimulator : IAsyncDisposable
{
    /// <summary>The channel name of the diagnostic echo service.</summary>
    public const string EchoChannel = "tmel-echo";

    /// <summary>The channel name of the image-authentication service (what <c>ImageAuthDriver</c> binds to).</summary>
    public const string ImageAuthChannel = "tmel-image-auth";

    /// <summary>The channel name of the attestation service (QWES INIT_ATTESTATION, DEVICE_ATTESTATION; what <c>AttestationDriver</c> binds to).</summary>
    public const string AttestationChannel = "tmel-attest";

    /// <summary>The channel name of the device service (fuses, GET_STATE, anti-rollback versions, loopback; what <c>DeviceDriver</c> binds to).</summary>
    public const string DeviceChannel = "tmel-device";

    /// <summary>The rpmsg address of the RFC driver's raw TMELCOM protocol (the reserved word it never writes is 0).</summary>
    public const uint RfcAddress = 0;

    /// <summary>The name the crypto services (KM 0x07 and HCS 0x0B) are announced under.</summary>
    public const string CryptoChannel = "tmel-crypto";

    private readonly ILogger _logger;
    private readonly ServiceEndpointLoop _echo;
    private readonly MeasurementStore _measurements = new();
    private readonly ServiceEndpointLoop _imageAuth;
    private readonly ServiceEndpointLoop _attestation;
    private readonly ServiceEndpointLoop _device;
    private readonly ServiceEndpointLoop _rfc;
    private readonly AttestationIdentity _identity;
    private readonly TsimFuses _fuses;
    private readonly CryptoSubsystem _cryptoSubsystem;
    private readonly ServiceEndpointLoop _crypto;
    private int _started;

    /// <summary>Creates the simulator on the remote side of a mailbox window; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="mailbox">The TME-L side's view of the window (owning offset 0x1000).</param>
    /// <param name="options">Timeouts, tracing, the shared memory and the fuses; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for every timeout and the simulated time of certificate checks; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the simulator logs; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is <see langword="null"/>.</exception>
    public TmelSimulator(IQmpMailbox mailbox, TmelSimulatorOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        options ??= new TmelSimulatorOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        _logger = loggerFactory.CreateLogger<TmelSimulator>();
        SharedMemory = options.SharedMemory ?? new QmpSharedMemoryRegion();
        Link = new QmpLink(mailbox, QmpRole.Remote, options.Link, timeProvider, loggerFactory, options.MailboxTrace);
        Bus = new RpmsgBus(new QmpRpmsgTransport(Link, loggerFactory), null, timeProvider, loggerFactory);
        ILogger loopLogger = loggerFactory.CreateLogger<ServiceEndpointLoop>();
        ILogger responderLogger = loggerFactory.CreateLogger<TmelcomResponder>();

        // The diagnostic echo service answers every message with its own bytes.
        _echo = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), EchoChannel, static request => request.Payload, loopLogger);

        // One fuse map for every service: image authentication checks it, the device service reads it, ARB commits raise it.
        _fuses = CopyFuses(options.Fuses);
        var antiRollback = new AntiRollbackStore(_fuses, _measurements);
        _identity = AttestationIdentity.Create(timeProvider);
        var imageAuth = new ImageAuthService(SharedMemory, _fuses, _measurements, timeProvider, loggerFactory.CreateLogger<ImageAuthService>());
        var attestation = new AttestationService(SharedMemory, _identity, _measurements, loggerFactory.CreateLogger<AttestationService>());
        var device = new DeviceService(SharedMemory, new FuseMap(_fuses, antiRollback), antiRollback, loggerFactory.CreateLogger<DeviceService>());
        _imageAuth = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), ImageAuthChannel, new TmelcomResponder(imageAuth, responderLogger).Respond, loopLogger);
        _attestation = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), AttestationChannel, new TmelcomResponder(attestation, responderLogger).Respond, loopLogger);
        _cryptoSubsystem = new CryptoSubsystem(SharedMemory, loggerFactory);
        _crypto = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), CryptoChannel, new TmelcomResponder(_cryptoSubsystem.Apps, responderLogger).Respond, loopLogger);
        _device = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), DeviceChannel, new TmelcomResponder(device, responderLogger).Respond, loopLogger);
        _rfc = new ServiceEndpointLoop(
            Bus.CreateEndpoint(new RpmsgAddress(RfcAddress)),
            "tmelcom-rfc",
            new TmelcomResponder(new RfcTmelcomService([imageAuth, attestation, device, _cryptoSubsystem.Apps], loggerFactory.CreateLogger<RfcTmelcomService>()), responderLogger).Respond,
            loopLogger);
    }

    /// <summary>Gets the simulator's side of the QMP link.</summary>
    public QmpLink Link { get; }

    /// <summary>Gets the simulator's rpmsg bus.</summary>
    public RpmsgBus Bus { get; }

    /// <summary>Gets the shared memory requests are read from and answered into; the application processor's side must use the same region.</summary>
    public QmpSharedMemoryRegion SharedMemory { get; }

    /// <summary>Gets the measurements of the images currently authenticated, in software-id order (a copy; for attestation).</summary>
    /// <remarks>A successful SEC_AUTH adds its image's measurement; SS_TEAR_DOWN of that software id removes it.</remarks>
    public IReadOnlyList<TsimMeasurement> Measurements => _measurements.Snapshot();

    /// <summary>Gets the simulated device's attestation public key and its certificate chain (the key's certificate, then the device CA's).</summary>
    /// <remarks>The key is created with the simulator and kept in memory for its life: a new simulator is a new device (docs/attestation.md).</remarks>
    public AttestationPublicKey AttestationPublicKey => _identity.PublicKey;

    /// <summary>Gets the committed anti-rollback versions by software id (a copy): the minimums image authentication enforces.</summary>
    public IReadOnlyDictionary<uint, uint> AntiRollbackVersions => new Dictionary<uint, uint>(_fuses.MinimumAntiRollback);

    /// <summary>Announces the services; they reach the application processor as soon as (and every time) the channel connects.</summary>
    /// <param name="cancellationToken">Ends the wait for transmit room if the channel is already up.</param>
    /// <returns>A task that completes when every service was announced or recorded for the next connect.</returns>
    /// <exception cref="InvalidOperationException">The simulator was already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The simulator was already started.");
        }

        await Bus.AnnounceAsync(_echo.Endpoint, EchoChannel, cancellationToken).ConfigureAwait(false);
        await Bus.AnnounceAsync(_imageAuth.Endpoint, ImageAuthChannel, cancellationToken).ConfigureAwait(false);
        await Bus.AnnounceAsync(_attestation.Endpoint, AttestationChannel, cancellationToken).ConfigureAwait(false);
        await Bus.AnnounceAsync(_device.Endpoint, DeviceChannel, cancellationToken).ConfigureAwait(false);
        await Bus.AnnounceAsync(_crypto.Endpoint, CryptoChannel, cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, $"{EchoChannel}, {ImageAuthChannel}, {AttestationChannel}, {DeviceChannel}, {CryptoChannel}; raw TMELCOM at address {RfcAddress}");
    }

    /// <summary>Withdraws the services, then takes the link down.</summary>
    /// <returns>A task that completes when the simulator stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _imageAuth.DisposeAsync().ConfigureAwait(false);
        await _attestation.DisposeAsync().ConfigureAwait(false);
        await _device.DisposeAsync().ConfigureAwait(false);
        await _echo.DisposeAsync().ConfigureAwait(false);
        await _rfc.DisposeAsync().ConfigureAwait(false);
        await _crypto.DisposeAsync().ConfigureAwait(false);
        _cryptoSubsystem.Dispose();
        await Bus.DisposeAsync().ConfigureAwait(false);
        _identity.Dispose();
    }

    private static TsimFuses CopyFuses(TsimFuses? fuses) => fuses is null
        ? new TsimFuses()
        : new TsimFuses
        {
            OemPkHash = (byte[])(fuses.OemPkHash ?? []).Clone(),
            OemId = fuses.OemId,
            ModelId = fuses.ModelId,
            HwId = fuses.HwId,
            MinimumAntiRollback = new Dictionary<uint, uint>(fuses.MinimumAntiRollback ?? new Dictionary<uint, uint>()),
        };

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Information, "TME-L simulator started; services: {Services}.")]
        public static partial void Started(ILogger logger, string services);
    }
}
