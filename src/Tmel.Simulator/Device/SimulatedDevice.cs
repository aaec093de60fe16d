using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;

namespace Tmel.Simulator;

/// <summary>
/// One simulated TME-L device, shared by every subsystem a simulator serves: the fuses and committed anti-rollback
/// versions, the attestation identity and boot seed, the simulated hardware unique key (HUK) with the fuse keys derived
/// from it, and the key store. Each subsystem (one mailbox pair, one <see cref="TmelSimulator"/>) has its own
/// authenticated images and sees only its own keys (docs/subsystem-identity.md).
/// </summary>
/// <remarks>
/// With a state directory the device keeps its HUK there and its attestation identity, persistent keys and committed
/// anti-rollback versions sealed under a device key derived from the HUK (docs/device-state.md); without one it lives in
/// memory and a new device is a new device. Thread-safe.
/// </remarks>
internal sealed partial class SimulatedDevice : IDisposable
{
    /// <summary>The largest <c>keys.sealed</c> plaintext: 16 KiB, at least 147 keys of the largest kind (a 68-byte secret, a 32-character owner).</summary>
    public const int DefaultMaxKeyStoreBytes = 16 * 1024;

    /// <summary>The largest <c>identity.sealed</c> plaintext: a P-384 PKCS#8 key and two certificates take about 1.1 KiB.</summary>
    public const int MaxIdentityBytes = 8 * 1024;

    /// <summary>The largest <c>anti-rollback.sealed</c> plaintext.</summary>
    public const int MaxAntiRollbackBytes = 2 + (8 * AntiRollbackStore.MaxEntries);

    /// <summary>The most subsystems one device serves.</summary>
    public const int MaxSubsystems = 64;

    private readonly ILogger _logger;
    private readonly DeviceStateDirectory? _state;
    private readonly Dictionary<string, TmelSubsystem> _subsystems = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, TmelSubsystem> _byId = [];
    private readonly Dictionary<uint, MeasurementStore> _measurements = [];
    private readonly Dictionary<uint, byte[]> _hardwareKeys;
    private readonly Lock _gate = new();
    private readonly int _maxKeyStoreBytes;
    private int _disposed;

    private SimulatedDevice(TsimFuses? fuses, DeviceStateDirectory? state, TimeProvider time, ILogger logger, int maxKeysPerOwner, int maxKeyStoreBytes)
    {
        _logger = logger;
        _state = state;
        _maxKeyStoreBytes = maxKeyStoreBytes;
        Fuses = CopyFuses(fuses);
        byte[] huk = state?.HardwareUniqueKey ?? RandomNumberGenerator.GetBytes(DeviceStateDirectory.HukLength);
        _hardwareKeys = CryptoService.DeriveHardwareKeys(huk);
        CryptographicOperations.ZeroMemory(huk);
        bool persistent = state is { IsPersistent: true };
        AntiRollback = new AntiRollbackStore(Fuses, persistent ? PersistAntiRollback : null);
        FuseMap = new FuseMap(Fuses, AntiRollback);
        Keys = new KeyStore(maxKeysPerOwner, persistent ? PersistKeys : null);
        Identity = LoadOrCreateIdentity(time);
        if (persistent)
        {
            RestoreAntiRollback();
            RestoreKeys();
        }
    }

    /// <summary>Gets the device's fuses (a copy of what it was created with; commits raise its anti-rollback table).</summary>
    public TsimFuses Fuses { get; }

    public AntiRollbackStore AntiRollback { get; }

    public FuseMap FuseMap { get; }

    /// <summary>Gets the attestation identity: created on the first start, kept in the state directory when there is one.</summary>
    public AttestationIdentity Identity { get; }

    /// <summary>Gets the boot seed: 32 random bytes per simulated boot (each time a device is created).</summary>
    public byte[] BootSeed { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Gets the key store; use it only under <see cref="CryptoLock"/>.</summary>
    public KeyStore Keys { get; }

    /// <summary>Gets the lock every subsystem's crypto service takes around the key store.</summary>
    public Lock CryptoLock { get; } = new();

    /// <summary>Gets the state directory's full path, or <see langword="null"/> when nothing persists.</summary>
    public string? StateDirectory => _state?.Root;

    /// <summary>Gets the state files refused at start (tampered, truncated, unreadable); the device runs without them.</summary>
    public IReadOnlyList<RefusedStateFile> RefusedFiles => _state?.Refused ?? [];

    /// <summary>Creates a device; with <paramref name="stateDirectory"/> it takes that directory's lock and restores what it holds.</summary>
    /// <param name="fuses">The fuses (copied); blank when <see langword="null"/>.</param>
    /// <param name="stateDirectory">The state directory, or <see langword="null"/>: nothing persists.</param>
    /// <param name="time">The clock of the attestation certificate's validity.</param>
    /// <param name="loggerFactory">Where the device logs.</param>
    /// <param name="maxKeysPerOwner">The keys one subsystem may hold.</param>
    /// <param name="maxKeyStoreBytes">The largest sealed key store.</param>
    /// <exception cref="TmelStateDirectoryException">Another simulator holds the state directory, or it cannot be created.</exception>
    public static SimulatedDevice Create(
        TsimFuses? fuses,
        string? stateDirectory,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        int maxKeysPerOwner = KeyStore.DefaultMaxKeysPerOwner,
        int maxKeyStoreBytes = DefaultMaxKeyStoreBytes)
    {
        ILogger logger = loggerFactory.CreateLogger<SimulatedDevice>();
        DeviceStateDirectory? state = stateDirectory is null ? null : DeviceStateDirectory.Open(stateDirectory, loggerFactory.CreateLogger<DeviceStateDirectory>());
        try
        {
            return new SimulatedDevice(fuses, state, time, logger, maxKeysPerOwner, maxKeyStoreBytes);
        }
        catch
        {
            state?.Dispose();
            throw;
        }
    }

    /// <summary>Returns the subsystem called <paramref name="name"/>, giving it its id the first time (docs/subsystem-identity.md).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not 1-32 of [a-z0-9_-].</exception>
    /// <exception cref="InvalidOperationException">The device already serves <see cref="MaxSubsystems"/> subsystems.</exception>
    public TmelSubsystem Subsystem(string name)
    {
        if (!TmelSubsystem.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a subsystem name (1-32 of [a-z0-9_-]).", nameof(name));
        }

        lock (_gate)
        {
            if (_subsystems.TryGetValue(name, out TmelSubsystem? known))
            {
                return known;
            }

            if (_subsystems.Count >= MaxSubsystems)
            {
                throw new InvalidOperationException($"A simulated device serves at most {MaxSubsystems} subsystems.");
            }

            uint id;
            if (!TmelSubsystem.WellKnownIds.TryGetValue(name, out id))
            {
                id = TmelSubsystem.HashedId(name);
                while (_byId.ContainsKey(id))
                {
                    id = id == TmelSubsystem.MaxId ? TmelSubsystem.FirstHashedId : id + 1;
                }
            }

            var subsystem = new TmelSubsystem(name, id);
            _subsystems.Add(name, subsystem);
            _byId.Add(id, subsystem);
            _measurements.Add(id, new MeasurementStore());
            return subsystem;
        }
    }

    /// <summary>Gets the images <paramref name="subsystem"/> has authenticated and not torn down.</summary>
    public MeasurementStore MeasurementsOf(TmelSubsystem subsystem)
    {
        lock (_gate)
        {
            return _measurements[subsystem.Id];
        }
    }

    /// <summary>Creates the crypto service answering <paramref name="subsystem"/>'s mailbox: the owner of every key it creates.</summary>
    public CryptoService CreateCryptoService(IRpmsgSharedMemory memory, TmelSubsystem subsystem, ILogger<CryptoService> logger) =>
        new(memory, Keys, _hardwareKeys, subsystem.Id, CryptoLock, logger);

    /// <summary>Resets a subsystem (its link went down: the client died or re-negotiated): tears down its images, as SS_TEAR_DOWN of each would; the other subsystems' images stay.</summary>
    /// <returns>The software ids torn down.</returns>
    public IReadOnlyList<uint> ResetSubsystem(TmelSubsystem subsystem)
    {
        IReadOnlyList<uint> removed = MeasurementsOf(subsystem).RemoveAll();
        if (removed.Count > 0)
        {
            Log.SubsystemReset(_logger, subsystem.ToString(), removed.Count, string.Join(", ", removed.Select(id => $"0x{id:X}")));
        }

        return removed;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (CryptoLock)
        {
            Keys.Dispose();
        }

        foreach (byte[] key in _hardwareKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        Identity.Dispose();
        _state?.Dispose();
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
}
