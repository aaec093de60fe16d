using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's key table: handles 1..255 (what a Linux client's <c>u8</c> keeps, §5.3 rule 7), each key owned by
/// the subsystem whose mailbox created it. A handle owned by another subsystem is indistinguishable from a free one.
/// </summary>
/// <remarks>Not thread-safe: the crypto service calls it under its own lock.</remarks>
internal sealed class KeyStore : IDisposable
{
    /// <summary>The highest handle (handles are 1..255).</summary>
    public const int MaxHandle = 255;

    private readonly SimulatedKey?[] _keys = new SimulatedKey?[MaxHandle + 1];
    private readonly int _maxKeysPerOwner;

    public KeyStore(int maxKeysPerOwner = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeysPerOwner, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeysPerOwner, MaxHandle);
        _maxKeysPerOwner = maxKeysPerOwner;
    }

    /// <summary>Gets the number of keys held, all owners together.</summary>
    public int Count => _keys.Count(k => k is not null);

    /// <summary>Finds the key <paramref name="handle"/> if <paramref name="owner"/> owns it.</summary>
    public SimulatedKey? Find(uint owner, uint handle) =>
        handle is >= 1 and <= MaxHandle && _keys[handle] is { } key && key.Owner == owner ? key : null;

    /// <summary>Stores a new key under the lowest free handle; <see cref="TmeStatus.NotReady"/> when the owner or the table is full (the key is then disposed).</summary>
    public TmeStatus TryAdd(SimulatedKey key, out uint handle)
    {
        handle = 0;
        if (_keys.Count(k => k is not null && k.Owner == key.Owner) >= _maxKeysPerOwner)
        {
            key.Dispose();
            return TmeStatus.NotReady;
        }

        for (uint h = 1; h <= MaxHandle; h++)
        {
            if (_keys[h] is null)
            {
                _keys[h] = key;
                handle = h;
                return TmeStatus.Success;
            }
        }

        key.Dispose();
        return TmeStatus.NotReady;
    }

    /// <summary>Deletes the key <paramref name="handle"/> if <paramref name="owner"/> owns it, zeroing its secret.</summary>
    public bool TryRemove(uint owner, uint handle)
    {
        if (Find(owner, handle) is not { } key)
        {
            return false;
        }

        _keys[handle] = null;
        key.Dispose();
        return true;
    }

    public void Dispose()
    {
        for (int h = 0; h < _keys.Length; h++)
        {
            _keys[h]?.Dispose();
            _keys[h] = null;
        }
    }
}
