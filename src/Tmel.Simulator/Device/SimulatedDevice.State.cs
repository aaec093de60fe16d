using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>What the device restores from its state directory at start, and stores there on every change.</summary>
internal sealed partial class SimulatedDevice
{
    private AttestationIdentity LoadOrCreateIdentity(TimeProvider time)
    {
        if (_state is { IsPersistent: true } state && state.Read(StatePurpose.Identity, MaxIdentityBytes) is { } payload)
        {
            try
            {
                if (AttestationIdentity.TryImport(payload, out AttestationIdentity? restored, out string reason))
                {
                    Log.IdentityRestored(_logger, state.PathOf(StatePurpose.Identity));
                    return restored;
                }

                state.Refuse(state.PathOf(StatePurpose.Identity), reason);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(payload);
            }
        }

        AttestationIdentity identity = AttestationIdentity.Create(time);
        if (_state is { IsPersistent: true } target)
        {
            byte[] exported = identity.Export();
            try
            {
                if (target.Write(StatePurpose.Identity, exported))
                {
                    Log.IdentityCreated(_logger, target.PathOf(StatePurpose.Identity));
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(exported);
            }
        }

        return identity;
    }

    private void RestoreAntiRollback()
    {
        DeviceStateDirectory state = _state!;
        if (state.Read(StatePurpose.AntiRollback, MaxAntiRollbackBytes) is not { } payload)
        {
            return;
        }

        if (!AntiRollbackCodec.TryDecode(payload, AntiRollbackStore.MaxEntries, out Dictionary<uint, uint> versions, out string reason))
        {
            state.Refuse(state.PathOf(StatePurpose.AntiRollback), reason);
            return;
        }

        AntiRollback.Restore(versions);
        Log.AntiRollbackRestored(_logger, versions.Count, state.PathOf(StatePurpose.AntiRollback));
    }

    /// <summary>Restores every key of <c>keys.sealed</c> under its old handle and owner, or none: a file with one bad record is refused whole.</summary>
    private void RestoreKeys()
    {
        DeviceStateDirectory state = _state!;
        string path = state.PathOf(StatePurpose.Keys);
        if (state.Read(StatePurpose.Keys, _maxKeyStoreBytes) is not { } payload)
        {
            return;
        }

        List<PersistentKeyRecord> records;
        string reason;
        try
        {
            if (!PersistentKeyCodec.TryDecode(payload, out records, out reason))
            {
                state.Refuse(path, reason);
                return;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }

        var keys = new List<(uint Handle, SimulatedKey Key)>();
        try
        {
            foreach (PersistentKeyRecord record in records)
            {
                if (ToKey(record) is not { } key)
                {
                    Refuse($"key handle {record.Handle} has a secret that does not fit its policy (0x{record.Policy.High:X8}{record.Policy.Low:X8})");
                    return;
                }

                keys.Add((record.Handle, key));
            }

            lock (CryptoLock)
            {
                if (keys.GroupBy(k => k.Key.Owner).Any(g => g.Count() > Keys.MaxKeysPerOwner))
                {
                    Refuse($"it holds more keys for one subsystem than the {Keys.MaxKeysPerOwner} allowed");
                    return;
                }

                foreach ((uint handle, SimulatedKey key) in keys)
                {
                    Keys.TryRestore(handle, key);
                }
            }

            Log.KeysRestored(_logger, keys.Count, path);
            keys.Clear();
        }
        finally
        {
            foreach (PersistentKeyRecord record in records)
            {
                CryptographicOperations.ZeroMemory(record.Secret);
            }

            // Keys not handed to the store (a refused file) are zeroed here.
            foreach ((_, SimulatedKey key) in keys)
            {
                key.Dispose();
            }
        }

        void Refuse(string why) => state.Refuse(path, why);
    }

    private SimulatedKey? ToKey(PersistentKeyRecord record)
    {
        uint owner;
        try
        {
            owner = Subsystem(record.Owner).Id;
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        TmeKeyPolicy policy = record.Policy;
        switch (policy.KeyType)
        {
            case TmeKeyType.Symmetric:
                int length = KeyPolicyRules.SymmetricLength(policy.KeyLength);
                return length > 0 && record.Secret.Length <= length ? SimulatedKey.Symmetric(policy, owner, record.Secret) : null;
            case TmeKeyType.Ecc:
                return KeyPolicyRules.CurveOf(policy) is { } curve && record.Secret.Length == KeyPolicyRules.CoordinateLength(curve)
                    ? SimulatedKey.Ecc(policy, owner, curve, record.Secret)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>Seals the persistent keys into <c>keys.sealed</c> (called by the key store under <see cref="CryptoLock"/>); refuses past the size limit.</summary>
    private bool PersistKeys(IReadOnlyList<KeyValuePair<uint, SimulatedKey>> keys)
    {
        var records = new List<PersistentKeyRecord>(keys.Count);
        lock (_gate)
        {
            foreach ((uint handle, SimulatedKey key) in keys)
            {
                records.Add(new PersistentKeyRecord(handle, _byId[key.Owner].Name, key.Policy, key.Secret.ToArray()));
            }
        }

        try
        {
            int length = PersistentKeyCodec.PayloadLength(records);
            if (length > _maxKeyStoreBytes)
            {
                Log.KeyStoreFull(_logger, length, _maxKeyStoreBytes);
                return false;
            }

            byte[] payload = PersistentKeyCodec.Encode(records);
            try
            {
                return _state!.Write(StatePurpose.Keys, payload);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(payload);
            }
        }
        finally
        {
            foreach (PersistentKeyRecord record in records)
            {
                CryptographicOperations.ZeroMemory(record.Secret);
            }
        }
    }

    private bool PersistAntiRollback(IReadOnlyDictionary<uint, uint> versions) =>
        _state!.Write(StatePurpose.AntiRollback, AntiRollbackCodec.Encode(versions));
}
