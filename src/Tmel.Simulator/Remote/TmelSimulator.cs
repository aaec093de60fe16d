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
    private readonly SimulatedDevice _device;
    private readonly bool _ownsDevice;
    private readonly TmelSubsystem _subsystem;
    private readonly MeasurementStore _measurements;
    private readonly ServiceEndpointLoop _echo;
    private readonly ServiceEndpointLoop _imageAuth;
    private readonly ServiceEndpointLoop _attestation;
    private readonly ServiceEndpointLoop _deviceLoop;
    private readonly ServiceEndpointLoop _rfc;
    private readonly CryptoService _cryptoService;
    private readonly ServiceEndpointLoop _crypto;
    private int _started;
    private int _disposed;

    /// <summary>Creates the simulator on the remote side of a mailbox window; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="mailbox">The TME-L side's view of the window (owning offset 0x1000).</param>
    /// <param name="options">Timeouts, tracing, the shared memory, the fuses and the state directory; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for every timeout and the simulated time of certificate checks; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where the simulator logs; nowhere when <see langword="null"/>.</param>
    /// <remarks>The simulator is one simulated device serving one subsystem, APPS, through this mailbox.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is <see langword="null"/>.</exception>
    /// <exception cref="TmelStateDirectoryException"><see cref="TmelSimulatorOptions.StateDirectory"/> is held by another simulator, or cannot be created.</exception>
    public TmelSimulator(IQmpMailbox mailbox, TmelSimulatorOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(mailbox, options, timeProvider, loggerFactory, device: null, subsystem: null)
    {
    }

    /// <summary>Creates the simulator serving <paramref name="subsystem"/> of a shared <paramref name="device"/> (which the caller disposes), or, when <paramref name="device"/> is <see langword="null"/>, a device of its own serving APPS.</summary>
    /// <param name="mailbox">The TME-L side of the subsystem's window.</param>
    /// <param name="options">As for the public constructor; <see cref="TmelSimulatorOptions.Fuses"/> and <see cref="TmelSimulatorOptions.StateDirectory"/> are the device's, so they are ignored with a shared device.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">Where the simulator logs.</param>
    /// <param name="device">The device every subsystem of this process shares; <see langword="null"/> for a device of its own.</param>
    /// <param name="subsystem">The subsystem this mailbox belongs to (registered with <paramref name="device"/>); APPS when <see langword="null"/>.</param>
    internal TmelSimulator(IQmpMailbox mailbox, TmelSimulatorOptions? options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, SimulatedDevice? device, TmelSubsystem? subsystem)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        options ??= new TmelSimulatorOptions();
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        _logger = loggerFactory.CreateLogger<TmelSimulator>();
        _ownsDevice = device is null;
        _device = device ?? SimulatedDevice.Create(options.Fuses, options.StateDirectory, timeProvider, loggerFactory);
        try
        {
            _subsystem = subsystem ?? _device.Subsystem(TmelSubsystem.AppsName);
            _measurements = _device.MeasurementsOf(_subsystem);
            SharedMemory = options.SharedMemory ?? new QmpSharedMemoryRegion();
            Link = new QmpLink(mailbox, QmpRole.Remote, options.Link, timeProvider, loggerFactory, options.MailboxTrace);
            Bus = new RpmsgBus(new QmpRpmsgTransport(Link, loggerFactory), null, timeProvider, loggerFactory);
        }
        catch
        {
            if (_ownsDevice)
            {
                _device.Dispose();
            }

            throw;
        }

        ILogger loopLogger = loggerFactory.CreateLogger<ServiceEndpointLoop>();
        ILogger responderLogger = loggerFactory.CreateLogger<TmelcomResponder>();

        // The diagnostic echo service answers every message with its own bytes.
        _echo = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), EchoChannel, static request => request.Payload, loopLogger);

        // One device for every service: image authentication checks its fuses, the device service reads them, ARB commits
        // raise them; the images, the keys this mailbox sees and the attestation client id are this subsystem's.
        var imageAuth = new ImageAuthService(SharedMemory, _device.Fuses, _measurements, timeProvider, loggerFactory.CreateLogger<ImageAuthService>());
        var attestation = new AttestationService(SharedMemory, _device.Identity, _measurements, _device.BootSeed, _subsystem, loggerFactory.CreateLogger<AttestationService>());
        var deviceService = new DeviceService(SharedMemory, _device.FuseMap, _device.AntiRollback, _measurements, loggerFactory.CreateLogger<DeviceService>());
        _cryptoService = _device.CreateCryptoService(SharedMemory, _subsystem, loggerFactory.CreateLogger<CryptoService>());
        _imageAuth = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), ImageAuthChannel, new TmelcomResponder(imageAuth, responderLogger).Respond, loopLogger);
        _attestation = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), AttestationChannel, new TmelcomResponder(attestation, responderLogger).Respond, loopLogger);
        _crypto = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), CryptoChannel, new TmelcomResponder(_cryptoService, responderLogger).Respond, loopLogger);
        _deviceLoop = new ServiceEndpointLoop(Bus.CreateEndpoint(RpmsgAddress.Any), DeviceChannel, new TmelcomResponder(deviceService, responderLogger).Respond, loopLogger);
        _rfc = new ServiceEndpointLoop(
            Bus.CreateEndpoint(new RpmsgAddress(RfcAddress)),
            "tmelcom-rfc",
            new TmelcomResponder(new RfcTmelcomService([imageAuth, attestation, deviceService, _cryptoService], loggerFactory.CreateLogger<RfcTmelcomService>()), responderLogger).Respond,
            loopLogger);
        WatchLinkDown();
    }

    /// <summary>Raised after the subsystem was reset because its link went down, with the software ids torn down (for tests).</summary>
    internal event Action<IReadOnlyList<uint>>? SubsystemReset;

    /// <summary>Gets the subsystem this simulator's mailbox belongs to.</summary>
    internal TmelSubsystem Subsystem => _subsystem;

    /// <summary>Gets the simulated device this simulator serves a subsystem of.</summary>
    internal SimulatedDevice Device => _device;

    /// <summary>Gets the simulator's side of the QMP link.</summary>
    public QmpLink Link { get; }

    /// <summary>Gets the simulator's rpmsg bus.</summary>
    public RpmsgBus Bus { get; }

    /// <summary>Gets the shared memory requests are read from and answered into; the application processor's side must use the same region.</summary>
    public QmpSharedMemoryRegion SharedMemory { get; }

    /// <summary>Gets the measurements of the images this simulator's subsystem has authenticated, in software-id order (a copy; for attestation).</summary>
    /// <remarks>A successful SEC_AUTH adds its image's measurement; SS_TEAR_DOWN of that software id removes it, and so does the subsystem's link going down.</remarks>
    public IReadOnlyList<TsimMeasurement> Measurements => _measurements.Snapshot();

    /// <summary>Gets the simulated device's attestation public key and its certificate chain (the key's certificate, then the device CA's).</summary>
    /// <remarks>
    /// The key is created on the device's first start. With <see cref="TmelSimulatorOptions.StateDirectory"/> it is kept there
    /// sealed, so a restarted simulator is the same device with the same key; without one a new simulator is a new device
    /// (docs/attestation.md, docs/device-state.md).
    /// </remarks>
    public AttestationPublicKey AttestationPublicKey => _device.Identity.PublicKey;

    /// <summary>Gets the committed anti-rollback versions by software id (a copy): the minimums image authentication enforces.</summary>
    public IReadOnlyDictionary<uint, uint> AntiRollbackVersions => _device.AntiRollback.Snapshot();

    /// <summary>Gets the state files the simulator refused at start, each as "path: why" (tampered, truncated or unreadable); it runs without them.</summary>
    /// <remarks>Empty without a <see cref="TmelSimulatorOptions.StateDirectory"/>. A refused file is moved aside to <c>NAME.refused</c> (docs/device-state.md).</remarks>
    public IReadOnlyList<string> RefusedStateFiles => [.. _device.RefusedFiles.Select(f => f.ToString())];

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

        await AnnounceAsync(_echo.Endpoint, EchoChannel, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(_imageAuth.Endpoint, ImageAuthChannel, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(_attestation.Endpoint, AttestationChannel, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(_deviceLoop.Endpoint, DeviceChannel, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(_crypto.Endpoint, CryptoChannel, cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, $"{EchoChannel}, {ImageAuthChannel}, {AttestationChannel}, {DeviceChannel}, {CryptoChannel}; raw TMELCOM at address {RfcAddress}");
    }

    /// <summary>Withdraws the services, then takes the link down.</summary>
    /// <returns>A task that completes when the simulator stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _imageAuth.DisposeAsync().ConfigureAwait(false);
        await _attestation.DisposeAsync().ConfigureAwait(false);
        await _deviceLoop.DisposeAsync().ConfigureAwait(false);
        await _echo.DisposeAsync().ConfigureAwait(false);
        await _rfc.DisposeAsync().ConfigureAwait(false);
        await _crypto.DisposeAsync().ConfigureAwait(false);
        _cryptoService.Dispose();
        await Bus.DisposeAsync().ConfigureAwait(false);
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    /// <summary>Announces one service. A client that attaches while the channel is (re)opening can make the send fail; the bus
    /// keeps the announcement and sends it with the others when the channel opens, so the start goes on.</summary>
    private async Task AnnounceAsync(RpmsgEndpoint endpoint, string name, CancellationToken cancellationToken)
    {
        try
        {
            await Bus.AnnounceAsync(endpoint, name, cancellationToken).ConfigureAwait(false);
        }
        catch (RpmsgException ex) when (ex is not RpmsgEndpointClosedException)
        {
            Log.AnnouncementDeferred(_logger, name, ex);
        }
    }

    /// <summary>
    /// Resets the subsystem every time its link goes down (the client died, or re-negotiated the link): its images are torn
    /// down as SS_TEAR_DOWN would, the other subsystems' stay. The bus arms a fresh token before it fires the old one, so
    /// reading it again from the callback never misses the next link-down.
    /// </summary>
    private void WatchLinkDown()
    {
        while (Volatile.Read(ref _disposed) == 0)
        {
            CancellationToken linkDown = Bus.LinkDown;
            if (!linkDown.IsCancellationRequested)
            {
                linkDown.UnsafeRegister(static state => ((TmelSimulator)state!).OnLinkDown(), this);
                return;
            }

            // Fired between the read and now: a link-down nobody handled yet (or the bus is going away: the loop ends on _disposed).
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            ResetSubsystem();
            if (Bus.LinkDown == linkDown)
            {
                return;
            }
        }
    }

    private void OnLinkDown()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        ResetSubsystem();
        WatchLinkDown();
    }

    private void ResetSubsystem()
    {
        IReadOnlyList<uint> removed = _device.ResetSubsystem(_subsystem);
        SubsystemReset?.Invoke(removed);
    }

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Information, "TME-L simulator: the announcement of {Name} goes out when the channel opens.")]
        public static partial void AnnouncementDeferred(ILogger logger, string name, Exception exception);

        [LoggerMessage(4000, LogLevel.Information, "TME-L simulator started; services: {Services}.")]
        public static partial void Started(ILogger logger, string services);
    }
}
