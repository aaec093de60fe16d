using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>HCS_AES_ENCRYPT and HCS_AES_DECRYPT: ECB and CBC without padding, GCM with a 12-byte IV TME-L draws and a 16-byte tag.</summary>
internal sealed partial class CryptoService
{
    private const int GcmIvLength = 12;
    private const int GcmTagLength = 16;
    private const int BlockLength = 16;

    private HcsAesEncryptMessage Encrypt(HcsAesEncryptMessage m)
    {
        (TmeStatus status, bool policy, uint iv, uint tag, uint cipher) = EncryptInput(m);
        Log.Answered(_logger, "HCS_AES_ENCRYPT", status);
        return m with
        {
            OutAad = m.OutAad.WithUsed(0),
            OutIv = m.OutIv.WithUsed(iv),
            OutTag = m.OutTag.WithUsed(tag),
            Ciphertext = m.Ciphertext.WithUsed(cipher),
            Status = (uint)status,
            Sequencer = Sequencer(status, policy),
        };
    }

    private (TmeStatus, bool, uint, uint, uint) EncryptInput(HcsAesEncryptMessage m)
    {
        (TmeStatus keyStatus, bool policy, SimulatedKey? key) = AesKey(m.Mode, m.KeyId, KeyPolicyRules.SymmetricEncrypt);
        if (key is null)
        {
            return (keyStatus, policy, 0, 0, 0);
        }

        TmeStatus status = TryReadInput(m.Plaintext, MaxDataLength, out byte[] plain);
        if (status != TmeStatus.Success)
        {
            return (status, false, 0, 0, 0);
        }

        status = TryReadInput(m.Aad, MaxAadLength, out byte[] aad);
        if (status != TmeStatus.Success || ((TmeAesMode)m.Mode != TmeAesMode.Gcm && aad.Length != 0) || ((TmeAesMode)m.Mode != TmeAesMode.Gcm && plain.Length % BlockLength != 0))
        {
            return (status == TmeStatus.Success ? TmeStatus.InvalidInput : status, false, 0, 0, 0);
        }

        status = CheckOutput(m.Ciphertext, plain.Length);
        int ivLength = (TmeAesMode)m.Mode switch { TmeAesMode.Gcm => GcmIvLength, TmeAesMode.Cbc => BlockLength, _ => 0 };
        if (status == TmeStatus.Success && ivLength != 0)
        {
            status = CheckOutput(m.OutIv, ivLength);
        }

        if (status == TmeStatus.Success && (TmeAesMode)m.Mode == TmeAesMode.Gcm)
        {
            status = CheckOutput(m.OutTag, GcmTagLength);
        }

        if (status != TmeStatus.Success)
        {
            return (status, false, 0, 0, 0);
        }

        byte[] iv = RandomNumberGenerator.GetBytes(ivLength);
        byte[] cipher = new byte[plain.Length];
        byte[] tag = [];
        switch ((TmeAesMode)m.Mode)
        {
            case TmeAesMode.Gcm:
                tag = new byte[GcmTagLength];
                using (var gcm = new AesGcm(key.Secret, GcmTagLength))
                {
                    gcm.Encrypt(iv, plain, cipher, tag, aad);
                }

                break;
            case TmeAesMode.Cbc:
                using (Aes aes = Aes.Create())
                {
                    aes.Key = key.Secret.ToArray();
                    aes.EncryptCbc(plain, iv, cipher, PaddingMode.None);
                }

                break;
            default:
                using (Aes aes = Aes.Create())
                {
                    aes.Key = key.Secret.ToArray();
                    aes.EncryptEcb(plain, cipher, PaddingMode.None);
                }

                break;
        }

        CryptographicOperations.ZeroMemory(plain);
        uint ivUsed = ivLength == 0 ? 0 : WriteOutput(m.OutIv, iv);
        uint tagUsed = tag.Length == 0 ? 0 : WriteOutput(m.OutTag, tag);
        uint cipherUsed = WriteOutput(m.Ciphertext, cipher);
        if (ivUsed != iv.Length || tagUsed != tag.Length || cipherUsed != cipher.Length)
        {
            return (TmeStatus.InvalidMemory, false, 0, 0, 0);
        }

        return (TmeStatus.Success, false, ivUsed, tagUsed, cipherUsed);
    }

    private HcsAesDecryptMessage Decrypt(HcsAesDecryptMessage m)
    {
        (TmeStatus status, bool policy, uint plain) = DecryptInput(m);
        Log.Answered(_logger, "HCS_AES_DECRYPT", status);
        return m with { OutAad = m.OutAad.WithUsed(0), Plaintext = m.Plaintext.WithUsed(plain), Status = (uint)status, Sequencer = Sequencer(status, policy) };
    }

    private (TmeStatus, bool, uint) DecryptInput(HcsAesDecryptMessage m)
    {
        (TmeStatus keyStatus, bool policy, SimulatedKey? key) = AesKey(m.Mode, m.KeyId, KeyPolicyRules.SymmetricDecrypt);
        if (key is null)
        {
            return (keyStatus, policy, 0);
        }

        var mode = (TmeAesMode)m.Mode;
        TmeStatus status = TryReadInput(m.Ciphertext, MaxDataLength, out byte[] cipher);
        byte[] aad = [];
        byte[] iv = [];
        byte[] tag = [];
        if (status == TmeStatus.Success)
        {
            status = TryReadInput(m.Aad, MaxAadLength, out aad);
        }

        if (status == TmeStatus.Success && mode != TmeAesMode.Ecb)
        {
            status = TryReadInput(m.Iv, BlockLength, out iv, allowEmpty: false);
        }

        if (status == TmeStatus.Success && mode == TmeAesMode.Gcm)
        {
            status = TryReadInput(m.Tag, GcmTagLength, out tag, allowEmpty: false);
        }

        if (status != TmeStatus.Success)
        {
            return (status, false, 0);
        }

        bool shapeOk = mode switch
        {
            TmeAesMode.Gcm => iv.Length == GcmIvLength && tag.Length is >= 12 and <= GcmTagLength,
            TmeAesMode.Cbc => iv.Length == BlockLength && aad.Length == 0 && cipher.Length % BlockLength == 0,
            _ => aad.Length == 0 && cipher.Length % BlockLength == 0,
        };
        if (!shapeOk)
        {
            return (TmeStatus.InvalidInput, false, 0);
        }

        status = CheckOutput(m.Plaintext, cipher.Length);
        if (status != TmeStatus.Success)
        {
            return (status, false, 0);
        }

        byte[] plain = new byte[cipher.Length];
        try
        {
            switch (mode)
            {
                case TmeAesMode.Gcm:
                    using (var gcm = new AesGcm(key.Secret, tag.Length))
                    {
                        gcm.Decrypt(iv, cipher, tag, plain, aad);
                    }

                    break;
                case TmeAesMode.Cbc:
                    using (Aes aes = Aes.Create())
                    {
                        aes.Key = key.Secret.ToArray();
                        aes.DecryptCbc(cipher, iv, plain, PaddingMode.None);
                    }

                    break;
                default:
                    using (Aes aes = Aes.Create())
                    {
                        aes.Key = key.Secret.ToArray();
                        aes.DecryptEcb(cipher, plain, PaddingMode.None);
                    }

                    break;
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plain);
            return (TmeStatus.Failure, false, 0);
        }

        uint used = WriteOutput(m.Plaintext, plain);
        CryptographicOperations.ZeroMemory(plain);
        return used == cipher.Length ? (TmeStatus.Success, false, used) : (TmeStatus.InvalidMemory, false, 0);
    }

    /// <summary>The AES key for a mode and use: known mode, the caller's key, KOP allowing the use, KAL naming this mode at this key length.</summary>
    private (TmeStatus, bool, SimulatedKey?) AesKey(uint mode, uint handle, uint operation)
    {
        if ((TmeAesMode)mode is not (TmeAesMode.Ecb or TmeAesMode.Cbc or TmeAesMode.Gcm))
        {
            return (TmeStatus.NotImplemented, false, null);
        }

        if (FindKey(handle) is not { } key)
        {
            return (TmeStatus.InvalidInput, false, null);
        }

        if (!KeyPolicyRules.AllowsSymmetric(key.Policy, operation) || key.Policy.Algorithm != (uint)KeyPolicyRules.AesAlgorithm(mode, key.SecretLength))
        {
            return (TmeStatus.InvalidInput, true, null);
        }

        return (TmeStatus.Success, false, key);
    }
}
