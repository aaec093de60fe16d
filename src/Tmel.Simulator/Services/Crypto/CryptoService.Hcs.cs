using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>Host crypto services (HCS, message type 0x0B).</summary>
internal sealed partial class CryptoService
{
    private HcsDigestMessage Digest(HcsDigestMessage m, bool hmac)
    {
        (TmeStatus status, bool policy, uint used) = ComputeDigest(m, hmac);
        Log.Answered(_logger, hmac ? "HCS_HMAC_DIGEST" : "HCS_SHA_DIGEST", status);
        return m with { Digest = m.Digest.WithUsed(used), Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus, bool, uint) ComputeDigest(HcsDigestMessage m, bool hmac)
    {
        if (KeyPolicyRules.HashOf(m.HashAlgorithm) is not { } hash)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        SimulatedKey? key = null;
        if (hmac)
        {
            key = FindKey(m.HmacKeyId);
            if (key is null)
            {
                return (TmeStatus.InvalidInput, false, 0);
            }

            if (!KeyPolicyRules.AllowsSymmetric(key.Policy, KeyPolicyRules.SymmetricDigestOrDerive)
                || key.Policy.Algorithm != (uint)KeyPolicyRules.HmacAlgorithm(m.HashAlgorithm))
            {
                return (TmeStatus.InvalidInput, true, 0);
            }
        }

        TmeStatus read = TryReadInput(m.Input, MaxDataLength, out byte[] input);
        if (read != TmeStatus.Success)
        {
            return (read, false, 0);
        }

        byte[] digest = key is null ? HashData(hash, input) : HmacData(hash, key.Secret, input);
        TmeStatus check = CheckOutput(m.Digest, digest.Length);
        if (check != TmeStatus.Success)
        {
            return (check, false, 0);
        }

        uint used = WriteOutput(m.Digest, digest);
        return used == digest.Length ? (TmeStatus.Success, false, used) : (TmeStatus.InvalidMemory, false, 0);
    }

    private static byte[] HashData(HashAlgorithmName hash, byte[] input) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(input) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(input) : SHA512.HashData(input);

    private static byte[] HmacData(HashAlgorithmName hash, ReadOnlySpan<byte> key, byte[] input) =>
        hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, input)
        : hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, input)
        : HMACSHA512.HashData(key, input);

    private HcsEccSignMessage Sign(HcsEccSignMessage m, bool message)
    {
        (TmeStatus status, bool policy, uint used) = SignInput(m, message);
        Log.Answered(_logger, message ? "HCS_ECC_SIGN_MSG" : "HCS_ECC_SIGN_DIGEST", status);
        return m with { Signature = m.Signature.WithUsed(used), Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus, bool, uint) SignInput(HcsEccSignMessage m, bool message)
    {
        if (KeyPolicyRules.CurveOf(m.Curve) is not { } curve)
        {
            return (TmeStatus.NotImplemented, false, 0);
        }

        HashAlgorithmName? hash = KeyPolicyRules.HashOf(m.HashAlgorithm);
        if (message ? hash is null : m.HashAlgorithm != 0)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        if (FindKey(m.PrivateKeyId) is not { } key)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        if (!KeyPolicyRules.AllowsEcc(key.Policy, KeyPolicyRules.EccSign, KeyPolicyRules.EccAlgorithmEcdsa) || !KeyPolicyRules.SameCurve(key.Curve!.Value, curve))
        {
            return (TmeStatus.InvalidInput, true, 0);
        }

        TmeStatus read = TryReadInput(m.Input, message ? MaxDataLength : 64, out byte[] input, allowEmpty: message);
        if (read != TmeStatus.Success)
        {
            return (read, false, 0);
        }

        using ECDsa ecdsa = key.CreateEcdsa();
        byte[] signature = message
            ? ecdsa.SignData(input, hash!.Value, DSASignatureFormat.Rfc3279DerSequence)
            : ecdsa.SignHash(input, DSASignatureFormat.Rfc3279DerSequence);
        TmeStatus check = CheckOutput(m.Signature, signature.Length);
        if (check != TmeStatus.Success)
        {
            return (check, false, 0);
        }

        uint used = WriteOutput(m.Signature, signature);
        return used == signature.Length ? (TmeStatus.Success, false, used) : (TmeStatus.InvalidMemory, false, 0);
    }

    private HcsEccVerifyMessage Verify(HcsEccVerifyMessage m, bool message)
    {
        TmeStatus status = VerifyInput(m, message);
        Log.Answered(_logger, message ? "HCS_ECC_VERIFY_MSG" : "HCS_ECC_VERIFY_DIGEST", status);
        return m with { Status = (uint)status, Sequencer = Sequencer(status) };
    }

    private TmeStatus VerifyInput(HcsEccVerifyMessage m, bool message)
    {
        if (KeyPolicyRules.CurveOf(m.Curve) is not { } curve)
        {
            return TmeStatus.NotImplemented;
        }

        HashAlgorithmName? hash = KeyPolicyRules.HashOf(m.HashAlgorithm);
        if (message ? hash is null : m.HashAlgorithm != 0)
        {
            return TmeStatus.InvalidInput;
        }

        TmeStatus status = TryReadInput(m.PublicKey, 1 + (2 * 66), out byte[] publicKey, allowEmpty: false);
        if (status == TmeStatus.Success)
        {
            status = TryReadInput(m.Input, message ? MaxDataLength : 64, out byte[] input, allowEmpty: message);
            if (status == TmeStatus.Success)
            {
                status = TryReadInput(m.Signature, 256, out byte[] signature, allowEmpty: false);
                if (status == TmeStatus.Success)
                {
                    if (ParsePublicPoint(curve, publicKey) is not { } point)
                    {
                        return TmeStatus.InvalidInput;
                    }

                    using ECDsa ecdsa = ECDsa.Create(point);
                    bool valid = message
                        ? ecdsa.VerifyData(input, signature, hash!.Value, DSASignatureFormat.Rfc3279DerSequence)
                        : ecdsa.VerifyHash(input, signature, DSASignatureFormat.Rfc3279DerSequence);
                    return valid ? TmeStatus.Success : TmeStatus.Failure;
                }
            }
        }

        return status;
    }

    private HcsEccPublicKeyMessage PublicKey(HcsEccPublicKeyMessage m, uint algorithm)
    {
        (TmeStatus status, bool policy, uint used) = ExportPublicKey(m, algorithm);
        Log.Answered(_logger, algorithm == KeyPolicyRules.EccAlgorithmEcdh ? "HCS_ECDH_GET_PUBKEY" : "HCS_ECC_GET_PUBKEY", status);
        return m with { PublicKey = m.PublicKey.WithUsed(used), Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus, bool, uint) ExportPublicKey(HcsEccPublicKeyMessage m, uint algorithm)
    {
        if (KeyPolicyRules.CurveOf(m.Curve) is not { } curve)
        {
            return (TmeStatus.NotImplemented, false, 0);
        }

        if (FindKey(m.PrivateKeyId) is not { } key)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        if (key.Policy.KeyType != TmeKeyType.Ecc || (key.Policy.Algorithm & 0x7) != algorithm || !KeyPolicyRules.SameCurve(key.Curve!.Value, curve))
        {
            return (TmeStatus.InvalidInput, true, 0);
        }

        using ECDsa ecdsa = key.CreateEcdsa();
        byte[] point = PublicPoint(ecdsa.ExportParameters(false));
        TmeStatus check = CheckOutput(m.PublicKey, point.Length);
        if (check != TmeStatus.Success)
        {
            return (check, false, 0);
        }

        uint used = WriteOutput(m.PublicKey, point);
        return used == point.Length ? (TmeStatus.Success, false, used) : (TmeStatus.InvalidMemory, false, 0);
    }

    private HcsEcdhSharedSecretMessage SharedSecret(HcsEcdhSharedSecretMessage m)
    {
        (TmeStatus status, bool policy, uint handle) = AgreeSecret(m);
        Log.Answered(_logger, "HCS_ECDH_SHARED_SECRET", status);
        return m with { ResultKeyId = handle, Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus, bool, uint) AgreeSecret(HcsEcdhSharedSecretMessage m)
    {
        if (KeyPolicyRules.CurveOf(m.Curve) is not { } curve)
        {
            return (TmeStatus.NotImplemented, false, 0);
        }

        if (FindKey(m.PrivateKeyId) is not { } key)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        if (!KeyPolicyRules.AllowsEcc(key.Policy, KeyPolicyRules.EccAgree, KeyPolicyRules.EccAlgorithmEcdh) || !KeyPolicyRules.SameCurve(key.Curve!.Value, curve))
        {
            return (TmeStatus.InvalidInput, true, 0);
        }

        TmeStatus read = TryReadInput(m.PeerPublicKey, 1 + (2 * 66), out byte[] peer, allowEmpty: false);
        if (read != TmeStatus.Success)
        {
            return (read, false, 0);
        }

        if (ParsePublicPoint(curve, peer) is not { } point)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        using ECDiffieHellman own = key.CreateEcdh();
        using ECDiffieHellman other = ECDiffieHellman.Create(point);
        byte[] secret = own.DeriveRawSecretAgreement(other.PublicKey);
        try
        {
            TmeStatus status = CreateKey(m.Policy, secret, "HCS_ECDH_SHARED_SECRET", out uint handle);
            return (status, false, handle);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private HcsPrngMessage Random(HcsPrngMessage m)
    {
        TmeStatus status;
        uint used = 0;
        if (m.Length is 0 or > MaxRandomLength)
        {
            status = TmeStatus.InvalidInput;
        }
        else
        {
            status = CheckOutput(m.Output, (int)m.Length);
            if (status == TmeStatus.Success)
            {
                used = WriteOutput(m.Output, RandomNumberGenerator.GetBytes((int)m.Length));
                status = used == m.Length ? TmeStatus.Success : TmeStatus.InvalidMemory;
            }
        }

        Log.Answered(_logger, "HCS_PRNG_GET", status);
        return m with { Output = m.Output.WithUsed(used), Status = (uint)status, Sequencer = Sequencer(status) };
    }
}
