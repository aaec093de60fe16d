using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>
/// The simulated TME-L's key table: handles 1..255 (what a Linux client's <c>u8</c> keeps, §5.3 rule 7), each key owned by
/// the subsystem whose mailbox created it. A handle owned by another subsystem is indistinguishable from a free one.
/// </summary>
/// <remarks>
/// <para>
/// Keys whose policy is persistent (<see cref="KeyPolicyRules.IsPersistent"/>) are handed to the persistence callback after
/// every change to them (the device seals them into its state directory); when it fails (a write error, the store's size
/// limit) the change is undone and the caller answers <see cref="TmeStatus.NotReady"/>.
/// </para>
/// <para>Not thread-safe: the crypto services call it under the device's crypto lock.</para>
/// </remarks>
internal sealed class KeyStore : IDisposable
{
    /// <summary>The highest handle (handles are 1..255).</summary>
    public const int MaxHandle = 255;

    /// <summary>The default number of keys one subsystem may hold.</summary>
    public const int DefaultMaxKeysPerOwner = 64;

    private readonly SimulatedKey?[] _keys = new SimulatedKey?[MaxHandle + 1];
    private readonly int _maxKeysPerOwner;
    private readonly Func<IReadOnlyList<KeyValuePair<uint, SimulatedKey>>, bool>? _persist;

    /// <param name="maxKeysPerOwner">The keys one subsystem may hold, 1..255.</param>
    /// <param name="persist">Receives every persistent key (handle and key) after a change to one; returns whether they were stored.</param>
    public KeyStore(int maxKeysPerOwner = DefaultMaxKeysPerOwner, Func<IReadOnlyList<KeyValuePair<uint, SimulatedKey>>, bool>? persist = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeysPerOwner, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeysPerOwner, MaxHandle);
        _maxKeysPerOwner = maxKeysPerOwner;
        _persist = persist;
    }

    /// <summary>Gets the number of keys one subsystem may hold.</summary>
    public int MaxKeysPerOwner => _maxKeysPerOwner;

    /// <summary>Gets the number of keys held, all owners together.</summary>
    public int Count => _keys.Count(k => k is not null);

    /// <summary>Finds the key <paramref name="handle"/> if <paramref name="owner"/> owns it.</summary>
    public SimulatedKey? Find(uint owner, uint handle) =>
        handle is >= 1 and <= MaxHandle && _keys[handle] is { } key && key.Owner == owner ? key : null;

    /// <summary>Stores a new key under the lowest free handle; <see cref="TmeStatus.NotReady"/> when the owner or the table is full, or a persistent key cannot be stored (the key is then disposed).</summary>
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
                if (KeyPolicyRules.IsPersistent(key.Policy) && !Persist())
                {
                    _keys[h] = null;
                    key.Dispose();
                    return TmeStatus.NotReady;
                }

                handle = h;
                return TmeStatus.Success;
            }
        }

        key.Dispose();
        return TmeStatus.NotReady;
    }

    /// <summary>Puts a key read from the state directory back under its old handle; <see langword="false"/> when the handle is taken or the owner is full (the caller disposes it).</summary>
    public bool TryRestore(uint handle, SimulatedKey key)
    {
        if (handle is < 1 or > MaxHandle || _keys[handle] is not null || _keys.Count(k => k is not null && k.Owner == key.Owner) >= _maxKeysPerOwner)
        {
            return false;
        }

        _keys[handle] = key;
        return true;
    }

    /// <summary>Deletes the key <paramref name="handle"/> if <paramref name="owner"/> owns it, zeroing its secret.</summary>
    /// <returns><see cref="TmeStatus.Success"/>; <see cref="TmeStatus.InvalidInput"/> for a handle the owner does not hold; <see cref="TmeStatus.NotReady"/> when a persistent key's deletion could not be stored (the key stays).</returns>
    public TmeStatus Remove(uint owner, uint handle)
    {
        if (Find(owner, handle) is not { } key)
        {
            return TmeStatus.InvalidInput;
        }

        _keys[handle] = null;
        if (KeyPolicyRules.IsPersistent(key.Policy) && !Persist())
        {
            _keys[handle] = key;
            return TmeStatus.NotReady;
        }

        key.Dispose();
        return TmeStatus.Success;
    }

    /// <summary>Gets the persistent keys with their handles, in handle order (lent: the keys stay the store's).</summary>
    public IReadOnlyList<KeyValuePair<uint, SimulatedKey>> PersistentKeys()
    {
        var keys = new List<KeyValuePair<uint, SimulatedKey>>();
        for (uint h = 1; h <= MaxHandle; h++)
        {
            if (_keys[h] is { } key && KeyPolicyRules.IsPersistent(key.Policy))
            {
                keys.Add(new(h, key));
            }
        }

        return keys;
    }

    public void Dispose()
    {
        for (int h = 0; h < _keys.Length; h++)
        {
            _keys[h]?.Dispose();
            _keys[h] = null;
        }
    }

    private bool Persist() => _persist is null || _persist(PersistentKeys());
}
