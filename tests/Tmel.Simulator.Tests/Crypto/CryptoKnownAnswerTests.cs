using System.Security.Cryptography;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>Known answers through the crypto service's structs: FIPS 180 SHA, RFC 4231 HMAC, SP 800-38A AES, GCM test cases, ECDSA and ECDH checked outside.</summary>
public sealed class CryptoKnownAnswerTests : IDisposable
{
    private readonly CryptoRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Theory]
    [InlineData(TmeHashAlgorithm.Sha256, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData(TmeHashAlgorithm.Sha384, "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7")]
    [InlineData(TmeHashAlgorithm.Sha512, "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F")]
    public void ShaDigest_Abc_IsTheFips180Answer(TmeHashAlgorithm hash, string expected)
    {
        TmelcomOutBuffer digest = _rig.Out(64);
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsShaDigest, new HcsDigestMessage((uint)hash, _rig.In("abc"u8), 0, digest, 1, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        Assert.Equal(expected, Convert.ToHexString(_rig.Read(result.Digest)));
    }

    [Fact]
    public void HmacDigest_Rfc4231Case2_IsTheRfcAnswer()
    {
        uint key = _rig.Import(Policies.Hmac(), "Jefe"u8.ToArray());
        TmelcomOutBuffer digest = _rig.Out(32);
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsHmacDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha256, _rig.In("what do ya want for nothing?"u8), key, digest, 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        Assert.Equal("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843", Convert.ToHexString(_rig.Read(result.Digest)));
    }

    [Fact]
    public void HmacDigest_Rfc4231Case1Sha512_IsTheRfcAnswer()
    {
        uint key = _rig.Import(Policies.Hmac(TmeKeyAlgorithm.Sha512Hmac, TmeKeyLength.Bits512), Enumerable.Repeat((byte)0x0B, 20).ToArray());
        HcsDigestMessage result = _rig.Ok(TmelcomUid.HcsHmacDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha512, _rig.In("Hi There"u8), key, _rig.Out(64), 0, default));
        Assert.Equal(
            "87AA7CDEA5EF619D4FF0B4241A1D6CB02379F4E2CE4EC2787AD0B30545E17CDEDAA833B7D6B8A702038B274EAEA3F4E4BE9D914EEB61F1702E696C203A126854",
            Convert.ToHexString(_rig.Read(result.Digest)));
    }

    [Theory]
    [InlineData("2B7E151628AED2A6ABF7158809CF4F3C", TmeKeyAlgorithm.Aes128Ecb, TmeKeyLength.Bits128, "3AD77BB40D7A3660A89ECAF32466EF97")]
    [InlineData("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4", TmeKeyAlgorithm.Aes256Ecb, TmeKeyLength.Bits256, "F3EED1BDB5D2A03C064B5A7E3DB181F8")]
    public void AesEcb_Sp80038aBlock1_EncryptsAndDecryptsToTheVector(string keyHex, TmeKeyAlgorithm algorithm, TmeKeyLength length, string cipherHex)
    {
        uint key = _rig.Import(Policies.Aes(algorithm, length: length), Convert.FromHexString(keyHex));
        byte[] plain = Convert.FromHexString("6BC1BEE22E409F96E93D7E117393172A");
        HcsAesEncryptMessage encrypted = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage(
            (uint)TmeAesMode.Ecb, key, default, _rig.In(plain), default, default, default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)encrypted.Status);
        Assert.Equal(cipherHex, Convert.ToHexString(_rig.Read(encrypted.Ciphertext)));
        Assert.Equal(0u, encrypted.OutIv.Used);

        HcsAesDecryptMessage decrypted = _rig.Ok(TmelcomUid.HcsAesDecrypt, new HcsAesDecryptMessage(
            (uint)TmeAesMode.Ecb, key, default, default, default, _rig.In(Convert.FromHexString(cipherHex)), default, _rig.Out(16), 0, default));
        Assert.Equal(plain, _rig.Read(decrypted.Plaintext));
    }

    [Fact]
    public void AesCbc_Sp80038aF21_DecryptsToTheVector_AndEncryptReportsTheIvItUsed()
    {
        byte[] keyBytes = Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C");
        uint key = _rig.Import(Policies.Aes(TmeKeyAlgorithm.Aes128Cbc, length: TmeKeyLength.Bits128), keyBytes);
        byte[] iv = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
        HcsAesDecryptMessage decrypted = _rig.Ok(TmelcomUid.HcsAesDecrypt, new HcsAesDecryptMessage(
            (uint)TmeAesMode.Cbc, key, default, _rig.In(iv), default, _rig.In(Convert.FromHexString("7649ABAC8119B246CEE98E9B12E9197D")), default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)decrypted.Status);
        Assert.Equal("6BC1BEE22E409F96E93D7E117393172A", Convert.ToHexString(_rig.Read(decrypted.Plaintext)));

        byte[] plain = RandomNumberGenerator.GetBytes(48);
        HcsAesEncryptMessage encrypted = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage(
            (uint)TmeAesMode.Cbc, key, default, _rig.In(plain), default, _rig.Out(16), default, _rig.Out(48), 0, default));
        using Aes aes = Aes.Create();
        aes.Key = keyBytes;
        Assert.Equal(aes.EncryptCbc(plain, _rig.Read(encrypted.OutIv), PaddingMode.None), _rig.Read(encrypted.Ciphertext));
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", TmeKeyAlgorithm.Aes128Gcm, TmeKeyLength.Bits128, "0388DACE60B6A392F328C2B971B2FE78", "AB6E47D42CEC13BDF53A67B21257BDDF")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", TmeKeyAlgorithm.Aes256Gcm, TmeKeyLength.Bits256, "CEA7403D4D606B6E074EC5D3BAF39D18", "D0D1C8A799996BF0265B98B5D48AB919")]
    public void AesGcm_GcmSpecCase2And14_DecryptToZeros(string keyHex, TmeKeyAlgorithm algorithm, TmeKeyLength length, string cipherHex, string tagHex)
    {
        uint key = _rig.Import(Policies.Aes(algorithm, length: length), Convert.FromHexString(keyHex));
        HcsAesDecryptMessage decrypted = _rig.Ok(TmelcomUid.HcsAesDecrypt, new HcsAesDecryptMessage(
            (uint)TmeAesMode.Gcm, key, default, _rig.In(new byte[12]), _rig.In(Convert.FromHexString(tagHex)), _rig.In(Convert.FromHexString(cipherHex)), default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)decrypted.Status);
        Assert.Equal(new byte[16], _rig.Read(decrypted.Plaintext));
    }

    [Fact]
    public void AesGcm_Encrypt_DecryptsOutsideWithTheSameKey_AndATamperedTagFails()
    {
        byte[] keyBytes = RandomNumberGenerator.GetBytes(32);
        uint key = _rig.Import(Policies.Aes(TmeKeyAlgorithm.Aes256Gcm), keyBytes);
        byte[] plain = RandomNumberGenerator.GetBytes(1024);
        byte[] aad = "header"u8.ToArray();
        HcsAesEncryptMessage encrypted = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage(
            (uint)TmeAesMode.Gcm, key, _rig.In(aad), _rig.In(plain), _rig.Out(16), _rig.Out(16), _rig.Out(256), _rig.Out(1024), 0, default));
        Assert.Equal((12u, 16u, 1024u, 0u), (encrypted.OutIv.Used, encrypted.OutTag.Used, encrypted.Ciphertext.Used, encrypted.OutAad.Used));
        byte[] iv = _rig.Read(encrypted.OutIv);
        byte[] tag = _rig.Read(encrypted.OutTag);
        byte[] cipher = _rig.Read(encrypted.Ciphertext);
        byte[] outside = new byte[1024];
        using (var gcm = new AesGcm(keyBytes, 16))
        {
            gcm.Decrypt(iv, cipher, tag, outside, aad);
        }

        Assert.Equal(plain, outside);
        tag[0] ^= 1;
        HcsAesDecryptMessage refused = _rig.Ok(TmelcomUid.HcsAesDecrypt, new HcsAesDecryptMessage(
            (uint)TmeAesMode.Gcm, key, _rig.In(aad), _rig.In(iv), _rig.In(tag), _rig.In(cipher), default, _rig.Out(1024), 0, default));
        Assert.Equal(TmeStatus.Failure, (TmeStatus)refused.Status);
        Assert.Equal(0u, refused.Plaintext.Used);
    }

    [Theory]
    [InlineData(TmeKeyLength.Bits256, TmeCurve.P256)]
    [InlineData(TmeKeyLength.Bits384, TmeCurve.P384)]
    public void EccSignMessage_VerifiesOutsideWithTheExportedPublicKey(TmeKeyLength length, TmeCurve curve)
    {
        uint key = _rig.Generate(Policies.Ecdsa(length));
        HcsEccPublicKeyMessage exported = _rig.Ok(TmelcomUid.HcsEccGetPublicKey, new HcsEccPublicKeyMessage((uint)curve, key, _rig.Out(200), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)exported.Status);
        byte[] point = _rig.Read(exported.PublicKey);
        byte[] message = "message to sign"u8.ToArray();
        HcsEccSignMessage signed = _rig.Ok(TmelcomUid.HcsEccSignMessage, new HcsEccSignMessage((uint)curve, key, (uint)TmeHashAlgorithm.Sha256, _rig.In(message), _rig.Out(200), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)signed.Status);

        int size = point.Length / 2;
        using ECDsa outside = ECDsa.Create(new ECParameters
        {
            Curve = curve == TmeCurve.P256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
            Q = new ECPoint { X = point[..size], Y = point[size..] },
        });
        byte[] signature = _rig.Read(signed.Signature);
        Assert.True(outside.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        // And the simulator's own verify agrees, over the message and over its digest.
        HcsEccVerifyMessage verified = _rig.Ok(TmelcomUid.HcsEccVerifyMessage, new HcsEccVerifyMessage((uint)curve, _rig.In(point), (uint)TmeHashAlgorithm.Sha256, _rig.In(message), _rig.In(signature), 1, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)verified.Status);
        HcsEccVerifyMessage digest = _rig.Ok(TmelcomUid.HcsEccVerifyDigest, new HcsEccVerifyMessage((uint)curve, _rig.In(point), 0, _rig.In(SHA256.HashData(message)), _rig.In(signature), 1, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)digest.Status);
        signature[^1] ^= 1;
        HcsEccVerifyMessage bad = _rig.Ok(TmelcomUid.HcsEccVerifyMessage, new HcsEccVerifyMessage((uint)curve, _rig.In(point), (uint)TmeHashAlgorithm.Sha256, _rig.In(message), _rig.In(signature), 0, default));
        Assert.NotEqual(TmeStatus.Success, (TmeStatus)bad.Status);
    }

    [Fact]
    public void EccSignDigest_P384_VerifiesOutside()
    {
        uint key = _rig.Generate(Policies.Ecdsa(TmeKeyLength.Bits384));
        byte[] point = _rig.Read(_rig.Ok(TmelcomUid.HcsEccGetPublicKey, new HcsEccPublicKeyMessage((uint)TmeCurve.P384, key, _rig.Out(96), 0, default)).PublicKey);
        byte[] digest = SHA384.HashData("firmware"u8);
        HcsEccSignMessage signed = _rig.Ok(TmelcomUid.HcsEccSignDigest, new HcsEccSignMessage((uint)TmeCurve.P384, key, 0, _rig.In(digest), _rig.Out(128), 0, default));
        using ECDsa outside = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = new ECPoint { X = point[..48], Y = point[48..] } });
        Assert.True(outside.VerifyHash(digest, _rig.Read(signed.Signature), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void EcdhSharedSecret_AgreesWithADotNetKeyPair()
    {
        uint key = _rig.Generate(Policies.Ecdh());
        byte[] point = _rig.Read(_rig.Ok(TmelcomUid.HcsEcdhGetPublicKey, new HcsEccPublicKeyMessage((uint)TmeCurve.P256, key, _rig.Out(64), 0, default)).PublicKey);
        using ECDiffieHellman peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters peerPublic = peer.ExportParameters(false);

        HcsEcdhSharedSecretMessage agreed = _rig.Ok(TmelcomUid.HcsEcdhSharedSecret, new HcsEcdhSharedSecretMessage(
            (uint)TmeCurve.P256, key, TmeCryptoIds.KeyIdAllocate, _rig.In([0x04, .. peerPublic.Q.X!, .. peerPublic.Q.Y!]), Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), 0, 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)agreed.Status);
        Assert.InRange(agreed.ResultKeyId, 1u, 255u);

        // The secret stays inside: compare by encrypting one block with it and with the .NET side's agreement.
        using ECDiffieHellman simulatorPublic = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[..32], Y = point[32..] } });
        byte[] secret = peer.DeriveRawSecretAgreement(simulatorPublic.PublicKey);
        byte[] block = RandomNumberGenerator.GetBytes(16);
        HcsAesEncryptMessage encrypted = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, agreed.ResultKeyId, default, _rig.In(block), default, default, default, _rig.Out(16), 0, default));
        using Aes aes = Aes.Create();
        aes.Key = secret;
        Assert.Equal(aes.EncryptEcb(block, PaddingMode.None), _rig.Read(encrypted.Ciphertext));
    }

    [Fact]
    public void Derive_NistKdf_IsSp800108CounterHmacOverLabelAndSoftwareContext()
    {
        byte[] kdk = RandomNumberGenerator.GetBytes(32);
        uint input = _rig.Import(Policies.Kdk(), kdk);
        var spec = new TmeKdfSpec
        {
            InputKey = input,
            Policy = Policies.Aes(TmeKeyAlgorithm.Aes256Ecb),
            SoftwareContext = "context"u8.ToArray(),
            SecurityContext = 0x20,
            SaltLabel = "label"u8.ToArray(),
            PrfDigestAlgorithm = TmeCryptoIds.PrfSha256Hmac,
        };
        byte[] specBytes = new byte[TmeKdfSpec.Size];
        spec.Encode(specBytes);
        KmDeriveMessage derived = _rig.Ok(TmelcomUid.KmDerive, new KmDeriveMessage(TmeCryptoIds.KeyIdAllocate, _rig.In(specBytes), 0, 0, 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)derived.Status);

        byte[] expectedKey = SP800108HmacCounterKdf.DeriveBytes(kdk, HashAlgorithmName.SHA256, "label"u8, "context"u8, 32);
        byte[] block = RandomNumberGenerator.GetBytes(16);
        HcsAesEncryptMessage encrypted = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, derived.ResultKeyId, default, _rig.In(block), default, default, default, _rig.Out(16), 0, default));
        using Aes aes = Aes.Create();
        aes.Key = expectedKey;
        Assert.Equal(aes.EncryptEcb(block, PaddingMode.None), _rig.Read(encrypted.Ciphertext));
    }

    [Fact]
    public void Prng_512Bytes_WritesThemAll()
    {
        HcsPrngMessage result = _rig.Ok(TmelcomUid.HcsPrngGet, new HcsPrngMessage(512, _rig.Out(512), 1, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        Assert.Equal(512u, result.Output.Used);
        Assert.Contains(_rig.Read(result.Output), b => b != 0xEE);
    }
}
