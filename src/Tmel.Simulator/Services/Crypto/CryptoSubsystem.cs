using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Rpmsg.Core;

namespace Tmel.Simulator;

/// <summary>
/// The simulator's crypto half: one key table, the simulated fuse keys drawn from a hardware unique key, and one
/// <see cref="CryptoService"/> per subsystem mailbox. The in-process simulator has one mailbox pair, the APPS subsystem's.
/// </summary>
internal sealed class CryptoSubsystem : IDisposable
{
    /// <summary>The subsystem id of the APPS mailbox pair, the owner of every key the in-process simulator creates.</summary>
    public const uint AppsSubsystem = 1;

    private readonly KeyStore _keys = new();
    private readonly Lock _lock = new();

    public CryptoSubsystem(IRpmsgSharedMemory memory, ILoggerFactory loggerFactory)
    {
        byte[] hardwareUniqueKey = RandomNumberGenerator.GetBytes(32);
        Dictionary<uint, byte[]> hardwareKeys = CryptoService.DeriveHardwareKeys(hardwareUniqueKey);
        CryptographicOperations.ZeroMemory(hardwareUniqueKey);
        Apps = new CryptoService(memory, _keys, hardwareKeys, AppsSubsystem, _lock, loggerFactory.CreateLogger<CryptoService>());
        foreach (byte[] key in hardwareKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Gets the service answering the APPS mailbox.</summary>
    public CryptoService Apps { get; }

    public void Dispose()
    {
        Apps.Dispose();
        lock (_lock)
        {
            _keys.Dispose();
        }
    }
}
