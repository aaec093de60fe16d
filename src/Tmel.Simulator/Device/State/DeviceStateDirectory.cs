using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Tmel.Simulator;

/// <summary>
/// A simulated device's state directory (docs/device-state.md): its lock, the simulated hardware unique key (HUK), the
/// device key derived from it, and the sealed files read at start and rewritten atomically on every change.
/// </summary>
/// <remarks>
/// <para>
/// A real HUK is a fuse no software can read; <c>huk.bin</c> stands for it. The device key is HKDF-SHA-256 of the HUK
/// (info "TMEL-SIM device sealing key v1"); every sealed file is AES-256-GCM under it (<see cref="SealedStateFile"/>).
/// </para>
/// <para>
/// A sealed file that is tampered with, truncated or unreadable is refused: reported (<see cref="Refused"/>, a warning), moved
/// aside to <c>NAME.refused</c> so nothing overwrites the evidence, and the device runs without it. A <c>huk.bin</c> of the wrong
/// size is refused the same way; the device then runs with a key of its own for this run and neither reads nor writes a
/// sealed file (nothing persists), so the files stay as they were for an operator to look at.
/// </para>
/// <para>Thread-safe: each purpose has its own file and temporary file; callers serialise writes of one purpose.</para>
/// </remarks>
internal sealed partial class DeviceStateDirectory : IDisposable
{
    public const string LockFileName = "device.lock";
    public const string OwnerFileName = "device.owner";
    public const string HukFileName = "huk.bin";
    public const int HukLength = 32;
    public const string RefusedSuffix = ".refused";
    private const string TemporarySuffix = ".tmp";

    private readonly FileStream _lock;
    private readonly byte[]? _deviceKey;
    private readonly List<RefusedStateFile> _refused = [];
    private readonly Lock _refusedLock = new();
    private readonly ILogger _logger;

    private DeviceStateDirectory(string root, FileStream lockFile, ILogger logger)
    {
        Root = root;
        _lock = lockFile;
        _logger = logger;
        DeleteTemporaries();
        (HardwareUniqueKey, bool persistent) = LoadOrCreateHuk();
        if (persistent)
        {
            _deviceKey = DeriveDeviceKey(HardwareUniqueKey);
        }
    }

    /// <summary>Gets the directory's full path.</summary>
    public string Root { get; }

    /// <summary>Gets the simulated hardware unique key (32 bytes); the device derives its fuse keys from it and zeroes this copy.</summary>
    public byte[] HardwareUniqueKey { get; }

    /// <summary>Gets a value indicating whether sealed files are read and written (false when <c>huk.bin</c> was refused).</summary>
    public bool IsPersistent => _deviceKey is not null;

    /// <summary>Gets the files refused so far, in order.</summary>
    public IReadOnlyList<RefusedStateFile> Refused
    {
        get
        {
            lock (_refusedLock)
            {
                return [.. _refused];
            }
        }
    }

    /// <summary>Takes the directory (created if missing) for one device.</summary>
    /// <exception cref="TmelStateDirectoryException">Another simulator holds its lock, or it cannot be created or locked.</exception>
    public static DeviceStateDirectory Open(string directory, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string root = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TmelStateDirectoryException(root, $"the state directory cannot be created: {ex.Message}", ex);
        }

        string lockPath = Path.Combine(root, LockFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new TmelStateDirectoryException(lockPath, $"another simulator holds it{OwnerOf(root)}: one simulated device per state directory.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TmelStateDirectoryException(lockPath, $"the lock file cannot be opened: {ex.Message}", ex);
        }

        try
        {
            // The lock file cannot be read while it is held, so the holder's pid goes beside it, for the next one's error.
            File.WriteAllText(Path.Combine(root, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return new DeviceStateDirectory(root, lockFile, logger);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The path of a purpose's sealed file.</summary>
    public string PathOf(StatePurpose purpose) => Path.Combine(Root, SealedStateFile.Label(purpose) + ".sealed");

    /// <summary>Reads and opens a purpose's sealed file: <see langword="null"/> when it does not exist (first start), when persistence is off, or when it was refused (then reported).</summary>
    public byte[]? Read(StatePurpose purpose, int maxPlaintext)
    {
        if (_deviceKey is null)
        {
            return null;
        }

        string path = PathOf(purpose);
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.Length;
            if (length > SealedStateFile.HeaderLength + (long)maxPlaintext)
            {
                Refuse(path, $"it is {length} bytes, more than the {SealedStateFile.HeaderLength + maxPlaintext} a {SealedStateFile.Label(purpose)} file may be");
                return null;
            }

            bytes = new byte[length];
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Refuse(path, $"it cannot be read: {ex.Message}");
            return null;
        }

        if (!SealedStateFile.TryOpen(_deviceKey, purpose, bytes, maxPlaintext, out byte[] plaintext, out string reason))
        {
            Refuse(path, reason);
            return null;
        }

        return plaintext;
    }

    /// <summary>Seals and writes a purpose's file atomically (a temporary file flushed to disk, then renamed over the old one).</summary>
    /// <returns><see langword="true"/> when written, or when persistence is off; <see langword="false"/> when the write failed (logged; the old file stays whole).</returns>
    public bool Write(StatePurpose purpose, ReadOnlySpan<byte> plaintext)
    {
        if (_deviceKey is null)
        {
            return true;
        }

        byte[] file = SealedStateFile.Seal(_deviceKey, purpose, plaintext);
        string path = PathOf(purpose);
        string temporary = path + TemporarySuffix;
        try
        {
            WriteDurably(temporary, file);
            File.Move(temporary, path, overwrite: true);
            Log.Written(_logger, path, file.Length);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.WriteFailed(_logger, path, ex.Message);
            TryDelete(temporary);
            return false;
        }
    }

    /// <summary>Refuses a file: moves it aside to <c>NAME.refused</c> (when it can), records and logs why.</summary>
    public void Refuse(string path, string reason)
    {
        string aside = path + RefusedSuffix;
        try
        {
            File.Move(path, aside, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            aside = "(left in place: " + ex.Message + ")";
        }

        lock (_refusedLock)
        {
            _refused.Add(new RefusedStateFile(path, reason));
        }

        Log.Refused(_logger, path, reason, aside);
    }

    public void Dispose()
    {
        if (_deviceKey is not null)
        {
            CryptographicOperations.ZeroMemory(_deviceKey);
        }

        _lock.Dispose();
    }

    private static byte[] DeriveDeviceKey(byte[] huk) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, huk, 32, salt: [], info: "TMEL-SIM device sealing key v1"u8.ToArray());

    private static void WriteDurably(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is deleted at the next start.
        }
    }

    private static string OwnerOf(string root)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(root, OwnerFileName)).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? $" (pid {pid})" : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>A write that died before its rename left a temporary file; the sealed file it was replacing is still whole.</summary>
    private void DeleteTemporaries()
    {
        foreach (StatePurpose purpose in Enum.GetValues<StatePurpose>())
        {
            TryDelete(PathOf(purpose) + TemporarySuffix);
        }

        TryDelete(Path.Combine(Root, HukFileName) + TemporarySuffix);
    }

    /// <summary>The HUK from <c>huk.bin</c>, created on the first start; a file of the wrong size is refused and this run gets a key of its own, persisting nothing.</summary>
    private (byte[] Huk, bool Persistent) LoadOrCreateHuk()
    {
        string path = Path.Combine(Root, HukFileName);
        try
        {
            byte[] existing = new byte[HukLength];
            long length;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                length = stream.Length;
                if (length == HukLength)
                {
                    stream.ReadExactly(existing);
                    return (existing, true);
                }
            }

            Refuse(path, $"it is {length} bytes, not {HukLength}; this run uses a key of its own and reads and writes no sealed file");
            return (RandomNumberGenerator.GetBytes(HukLength), false);
        }
        catch (FileNotFoundException)
        {
            // The first start: the fuse is blown now, once.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Refuse(path, $"it cannot be read ({ex.Message}); this run uses a key of its own and reads and writes no sealed file");
            return (RandomNumberGenerator.GetBytes(HukLength), false);
        }

        byte[] huk = RandomNumberGenerator.GetBytes(HukLength);
        try
        {
            WriteDurably(path + TemporarySuffix, huk);
            File.Move(path + TemporarySuffix, path, overwrite: false);
            Log.HukCreated(_logger, path);
            return (huk, true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.WriteFailed(_logger, path, ex.Message);
            TryDelete(path + TemporarySuffix);
            return (huk, false);
        }
    }

    /// <summary>Event ids 4760-4769: the state directory. Paths, lengths and reasons only; never key bytes.</summary>
    private static partial class Log
    {
        [LoggerMessage(4760, LogLevel.Warning, "Device state: {Path} refused: {Reason}. The simulator runs without it (moved to {Aside}).")]
        public static partial void Refused(ILogger logger, string path, string reason, string aside);

        [LoggerMessage(4761, LogLevel.Error, "Device state: writing {Path} failed ({Error}); the previous file, if any, is unchanged.")]
        public static partial void WriteFailed(ILogger logger, string path, string error);

        [LoggerMessage(4762, LogLevel.Debug, "Device state: {Path} written ({Length} bytes, sealed).")]
        public static partial void Written(ILogger logger, string path, int length);

        [LoggerMessage(4763, LogLevel.Information, "Device state: a new simulated hardware unique key was created in {Path} (first start of this device).")]
        public static partial void HukCreated(ILogger logger, string path);
    }
}
