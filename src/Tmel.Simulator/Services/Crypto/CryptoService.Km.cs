using System.Buffers.Binary;
using System.Security.Cryptography;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>Key management (KM, message type 0x07).</summary>
internal sealed partial class CryptoService
{
    /// <summary>The wrapped-key blob's version byte (docs/crypto.md, "Wrapped keys").</summary>
    internal const byte WrappedKeyVersion = 1;

    /// <summary>The largest wrapped-key blob: 100 bytes (<c>TME_WK_CONTEXT_BYTES_MAX</c>).</summary>
    internal const int MaxWrappedKeyLength = 100;

    private KmClearMessage Clear(KmClearMessage m)
    {
        TmeStatus status = _keys.Remove(_owner, m.KeyId);
        Log.Answered(_logger, "KM_CLEAR", status);
        return m with { Status = (uint)status, Sequencer = Sequencer(status) };
    }

    private KmGenerateMessage Generate(KmGenerateMessage m)
    {
        TmeStatus status = CreateKey(m.Policy, null, "KM_GENERATE", out uint handle);
        Log.Answered(_logger, "KM_GENERATE", status);
        return m with { ResultKeyId = handle, Status = (uint)status, Sequencer = Sequencer(status) };
    }

    private KmImportMessage Import(KmImportMessage m)
    {
        TmeStatus status = TryReadInput(m.KeyMaterial, MaxPlainKeyLength, out byte[] material, allowEmpty: false);
        uint handle = 0;
        if (status == TmeStatus.Success)
        {
            status = CreateKey(m.Policy, material, "KM_IMPORT", out handle);
            CryptographicOperations.ZeroMemory(material);
        }

        Log.Answered(_logger, "KM_IMPORT", status);
        return m with { ResultKeyId = handle, Status = (uint)status, Sequencer = Sequencer(status) };
    }

    private KmDeriveMessage Derive(KmDeriveMessage m)
    {
        (TmeStatus status, bool policy) = DeriveKey(m.KdfSpec, out uint handle);
        Log.Answered(_logger, "KM_DERIVE", status);
        return m with { ResultKeyId = handle, Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus Status, bool Policy) DeriveKey(TmelcomBuffer specBuffer, out uint handle)
    {
        handle = 0;
        if (specBuffer.Length != TmeKdfSpec.Size)
        {
            return (TmeStatus.InvalidInput, false);
        }

        TmeStatus read = TryReadInput(specBuffer, TmeKdfSpec.Size, out byte[] bytes, allowEmpty: false);
        if (read != TmeStatus.Success)
        {
            return (read, false);
        }

        TmeKdfSpec spec;
        try
        {
            spec = TmeKdfSpec.Decode(bytes);
        }
        catch (RpmsgProtocolException)
        {
            return (TmeStatus.InvalidInput, false);
        }

        if (spec.KdfAlgorithm == TmeCryptoIds.KdfHkdf)
        {
            return (TmeStatus.NotImplemented, false);
        }

        HashAlgorithmName? prf = spec.PrfDigestAlgorithm switch
        {
            TmeCryptoIds.PrfSha256Hmac => HashAlgorithmName.SHA256,
            TmeCryptoIds.PrfSha512Hmac => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (spec.KdfAlgorithm != TmeCryptoIds.KdfNist || prf is not { } hash)
        {
            return (TmeStatus.InvalidInput, false);
        }

        if (spec.Policy.KeyType != TmeKeyType.Symmetric)
        {
            return (TmeStatus.NotImplemented, false);
        }

        int length = KeyPolicyRules.SymmetricLength(spec.Policy.KeyLength);
        if (length == 0 || !KeyPolicyRules.IsKnownVersion(spec.Policy))
        {
            return (TmeStatus.InvalidInput, false);
        }

        if (!TryDerivationKey(spec.InputKey, out byte[] inputKey))
        {
            return (TmeStatus.InvalidInput, true);
        }

        byte[]? l2 = null;
        byte[]? mix = null;
        byte[]? context = null;
        byte[] derived = new byte[length];
        try
        {
            if (spec.L2Key != 0)
            {
                if (spec.L2Key is not (3 or 6 or 7))
                {
                    return (TmeStatus.InvalidInput, false);
                }

                // The L2 key of the sheet's key ladder: derived from the input key with its own id as context.
                l2 = SP800108HmacCounterKdf.DeriveBytes(inputKey, hash, "TMEL-SIM L2"u8, BitConverterLe(spec.L2Key), 64);
            }

            if ((spec.SecurityContext & ~SupportedSecurityContext) != 0)
            {
                return (TmeStatus.NotImplemented, false);
            }

            if ((spec.SecurityContext & SecurityContextMixingKey) != 0 && !TryDerivationKey(spec.MixKey, out mix))
            {
                return (TmeStatus.InvalidInput, true);
            }

            context = BuildContext(spec, mix);
            SP800108HmacCounterKdf.DeriveBytes(l2 ?? inputKey, hash, spec.SaltLabel.Span, context, derived);
            TmeStatus status = CreateKey(spec.Policy, derived, "KM_DERIVE", out handle);
            return (status, false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(inputKey);
            CryptographicOperations.ZeroMemory(derived);
            if (l2 is not null)
            {
                CryptographicOperations.ZeroMemory(l2);
            }

            if (mix is not null)
            {
                CryptographicOperations.ZeroMemory(mix);
            }

            if (context is not null)
            {
                CryptographicOperations.ZeroMemory(context);
            }
        }
    }

    private const uint SecurityContextSoftware = 0x20;
    private const uint SecurityContextChildPolicy = 0x40;
    private const uint SecurityContextMixingKey = 0x80;
    private const uint SupportedSecurityContext = SecurityContextSoftware | SecurityContextChildPolicy | SecurityContextMixingKey;

    /// <summary>The KDF context: sw_context (bit 0x20), then the child policy low‖high LE (0x40), then the mixing key (0x80).</summary>
    private static byte[] BuildContext(TmeKdfSpec spec, byte[]? mix)
    {
        var context = new List<byte>();
        if ((spec.SecurityContext & SecurityContextSoftware) != 0)
        {
            context.AddRange(spec.SoftwareContext.Span);
        }

        if ((spec.SecurityContext & SecurityContextChildPolicy) != 0)
        {
            context.AddRange(BitConverterLe(spec.Policy.Low));
            context.AddRange(BitConverterLe(spec.Policy.High));
        }

        if (mix is not null)
        {
            context.AddRange(mix);
        }

        return [.. context];
    }

    private static byte[] BitConverterLe(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>A KDF input: a simulated fuse key by id, or a key handle whose policy allows NIST derivation (KOP 4, KAL KDF_NIST).</summary>
    private bool TryDerivationKey(uint id, out byte[] secret)
    {
        if (_hardwareKeys.TryGetValue(id, out byte[]? hardware))
        {
            secret = (byte[])hardware.Clone();
            return true;
        }

        if (FindKey(id) is { } key && KeyPolicyRules.AllowsSymmetric(key.Policy, KeyPolicyRules.SymmetricDigestOrDerive)
            && key.Policy.Algorithm == (uint)TmeKeyAlgorithm.KdfNist)
        {
            secret = key.Secret.ToArray();
            return true;
        }

        secret = [];
        return false;
    }

    private KmWrapMessage Wrap(KmWrapMessage m)
    {
        (TmeStatus status, bool policy) = WrapKey(m);
        Log.Answered(_logger, "KM_WRAP", status);
        return m with { Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus Status, bool Policy) WrapKey(KmWrapMessage m)
    {
        if (FindKey(m.KeyId) is not { } key || FindKey(m.WrappingKeyId) is not { } wrapping)
        {
            return (TmeStatus.InvalidInput, false);
        }

        uint wrapClass = KeyPolicyRules.WrapClass(wrapping.Policy);
        if (wrapping.Policy.KeyType != TmeKeyType.Symmetric || wrapClass == 0 || wrapping.SecretLength is not (16 or 32)
            || (key.Policy.WrapConstraints & wrapClass) == 0)
        {
            return (TmeStatus.InvalidInput, true);
        }

        if (m.WrappedKey.Address == 0)
        {
            return (TmeStatus.InvalidInput, false);
        }

        byte[] plain = new byte[TmeKeyPolicy.Size + key.SecretLength];
        try
        {
            BinaryPrimitives.WriteUInt32LittleEndian(plain, key.Policy.Low);
            BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(4), key.Policy.High);
            key.Secret.CopyTo(plain.AsSpan(TmeKeyPolicy.Size));
            using Aes aes = Aes.Create();
            aes.Key = wrapping.Secret.ToArray();
            byte[] wrapped = aes.EncryptKeyWrapPadded(plain);
            byte[] blob = [WrappedKeyVersion, (byte)(2 + wrapped.Length), .. wrapped];
            if (m.WrappedKey.Length < blob.Length)
            {
                return (TmeStatus.SmallOutputBuffer, false);
            }

            if (!_memory.IsAllocatedRange(m.WrappedKey.Address, m.WrappedKey.Length) || !TryWrite(m.WrappedKey.Address, blob))
            {
                return (TmeStatus.InvalidMemory, false);
            }

            return (TmeStatus.Success, false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private KmUnwrapMessage Unwrap(KmUnwrapMessage m)
    {
        (TmeStatus status, bool policy, uint handle) = UnwrapKey(m);
        Log.Answered(_logger, "KM_UNWRAP", status);
        return m with { ResultKeyId = handle, Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus Status, bool Policy, uint Handle) UnwrapKey(KmUnwrapMessage m)
    {
        if (FindKey(m.WrappingKeyId) is not { } wrapping)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        uint wrapClass = KeyPolicyRules.WrapClass(wrapping.Policy);
        if (wrapping.Policy.KeyType != TmeKeyType.Symmetric || wrapClass == 0 || wrapping.SecretLength is not (16 or 32))
        {
            return (TmeStatus.InvalidInput, true, 0);
        }

        TmeStatus read = TryReadInput(m.WrappedKey, MaxWrappedKeyLength, out byte[] blob, allowEmpty: false);
        if (read != TmeStatus.Success)
        {
            return (read, false, 0);
        }

        if (blob.Length < 2 + 16 || blob[0] != WrappedKeyVersion || blob[1] < 2 + 16 || blob[1] > blob.Length || (blob[1] - 2) % 8 != 0)
        {
            return (TmeStatus.MalformedToken, false, 0);
        }

        byte[] plain;
        try
        {
            using Aes aes = Aes.Create();
            aes.Key = wrapping.Secret.ToArray();
            plain = aes.DecryptKeyWrapPadded(blob.AsSpan(2, blob[1] - 2));
        }
        catch (CryptographicException)
        {
            return (TmeStatus.MalformedToken, false, 0);
        }

        try
        {
            if (plain.Length <= TmeKeyPolicy.Size)
            {
                return (TmeStatus.MalformedToken, false, 0);
            }

            var policy = new TmeKeyPolicy(BinaryPrimitives.ReadUInt32LittleEndian(plain), BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(4)));
            if ((policy.WrapConstraints & wrapClass) == 0)
            {
                return (TmeStatus.InvalidInput, true, 0);
            }

            TmeStatus status = CreateKey(policy, plain[TmeKeyPolicy.Size..], "KM_UNWRAP", out uint handle);
            return (status, false, handle);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private KmExportEcdhIpMessage ExportEcdhIp(KmExportEcdhIpMessage m)
    {
        TmeStatus status = ExportEcdhIpKey(m, out uint used);
        Log.Answered(_logger, "KM_EXPORT_ECDH_IP", status);
        return m with { PublicKey = m.PublicKey.WithUsed(used), Status = (uint)status, Sequencer = Sequencer(status) };
    }

    private TmeStatus ExportEcdhIpKey(KmExportEcdhIpMessage m, out uint used)
    {
        used = 0;
        if (m.KeyId is not (0x8 or 0xC) || !_hardwareKeys.TryGetValue(m.KeyId, out byte[]? source))
        {
            return TmeStatus.InvalidInput;
        }

        TmeStatus check = CheckOutput(m.PublicKey, 96);
        if (check != TmeStatus.Success)
        {
            return check;
        }

        byte[] d = SP800108HmacCounterKdf.DeriveBytes(source, HashAlgorithmName.SHA384, "TMEL-SIM ECDH IP"u8, BitConverterLe(m.FeatureId), 48);
        try
        {
            using ECDiffieHellman key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, D = d });
            used = WriteOutput(m.PublicKey, PublicPoint(key.ExportParameters(false)));
            return used == 96 ? TmeStatus.Success : TmeStatus.InvalidMemory;
        }
        catch (CryptographicException)
        {
            return TmeStatus.Failure;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }
}
