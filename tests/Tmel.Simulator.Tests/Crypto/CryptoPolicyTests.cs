using System.Security.Cryptography;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>Every use of a key checked against its policy and owner; a refused use is never performed.</summary>
public sealed class CryptoPolicyTests : IDisposable
{
    private readonly CryptoRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void EccSign_WithAnEcdhKey_IsRefusedAsAPolicyError_AndWritesNoSignature()
    {
        uint key = _rig.Generate(Policies.Ecdh());
        TmelcomOutBuffer signature = _rig.Out(128, usedPreset: 77);
        HcsEccSignMessage result = _rig.Ok(TmelcomUid.HcsEccSignMessage, new HcsEccSignMessage((uint)TmeCurve.P256, key, (uint)TmeHashAlgorithm.Sha256, _rig.In("m"u8), signature, 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal(new TmeSequencerStatus((uint)TmeStatus.InvalidInput, 0, 1, 0, 0), result.Sequencer);
        Assert.Equal(0u, result.Signature.Used);
        byte[] untouched = new byte[128];
        _rig.Memory.Read(signature.Address, untouched);
        Assert.All(untouched, b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void EcdhSharedSecret_WithAnEcdsaKey_IsRefused()
    {
        uint key = _rig.Generate(Policies.Ecdsa());
        using ECDiffieHellman peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        ECParameters q = peer.ExportParameters(false);
        HcsEcdhSharedSecretMessage result = _rig.Ok(TmelcomUid.HcsEcdhSharedSecret, new HcsEcdhSharedSecretMessage(
            (uint)TmeCurve.P256, key, TmeCryptoIds.KeyIdAllocate, _rig.In([.. q.Q.X!, .. q.Q.Y!]), Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), 0, 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal(0u, result.ResultKeyId);
        Assert.Equal(1, _rig.Keys.Count);
    }

    [Fact]
    public void AesEncrypt_WithADecryptOnlyKey_IsRefused_ButDecryptWorks()
    {
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, operations: 2));
        HcsAesEncryptMessage encrypt = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, key, default, _rig.In(new byte[16]), default, default, default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)encrypt.Status);
        Assert.Equal(0u, encrypt.Ciphertext.Used);
        HcsAesDecryptMessage decrypt = _rig.Ok(TmelcomUid.HcsAesDecrypt, new HcsAesDecryptMessage((uint)TmeAesMode.Ecb, key, default, default, default, _rig.In(new byte[16]), default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)decrypt.Status);
    }

    [Theory]
    [InlineData(TmeAesMode.Cbc)]
    [InlineData(TmeAesMode.Gcm)]
    public void AesEncrypt_InAModeTheKeysAlgorithmDoesNotName_IsRefused(TmeAesMode mode)
    {
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        HcsAesEncryptMessage result = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)mode, key, default, _rig.In(new byte[16]), default, _rig.Out(16), _rig.Out(16), _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal((0u, 0u, 0u), (result.OutIv.Used, result.OutTag.Used, result.Ciphertext.Used));
    }

    [Fact]
    public void HmacDigest_WithAnAesKey_IsRefused_AndWithTheWrongHash()
    {
        uint aes = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        uint hmac = _rig.Generate(Policies.Hmac(TmeKeyAlgorithm.Sha256Hmac));
        HcsDigestMessage byAes = _rig.Ok(TmelcomUid.HcsHmacDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha256, _rig.In("x"u8), aes, _rig.Out(32), 0, default));
        HcsDigestMessage wrongHash = _rig.Ok(TmelcomUid.HcsHmacDigest, new HcsDigestMessage((uint)TmeHashAlgorithm.Sha512, _rig.In("x"u8), hmac, _rig.Out(64), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)byAes.Status);
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)wrongHash.Status);
    }

    [Fact]
    public void Derive_FromAnAesKey_IsRefused_FromAFuseKeyWorks()
    {
        uint aes = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)Derive(aes).Status);
        KmDeriveMessage fromCrbk = Derive(9);
        Assert.Equal(TmeStatus.Success, (TmeStatus)fromCrbk.Status);
        Assert.InRange(fromCrbk.ResultKeyId, 1u, 255u);
    }

    [Fact]
    public void Wrap_AKeyWithoutWrapConstraints_IsRefused_NothingIsWritten()
    {
        uint kwk = _rig.Generate(Policies.Kwk());
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, wrap: 0));
        TmelcomOutBuffer blob = _rig.Out(100);
        KmWrapMessage result = _rig.Ok(TmelcomUid.KmWrap, new KmWrapMessage(key, kwk, 0, new TmelcomBuffer(blob.Address, 100), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        byte[] bytes = new byte[100];
        _rig.Memory.Read(blob.Address, bytes);
        Assert.All(bytes, b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Wrap_UnderAnAesKeyThatIsNoKeyWrappingKey_IsRefused()
    {
        uint notKwk = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, wrap: 2));
        TmelcomOutBuffer blob = _rig.Out(100);
        KmWrapMessage result = _rig.Ok(TmelcomUid.KmWrap, new KmWrapMessage(key, notKwk, 0, new TmelcomBuffer(blob.Address, 100), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
    }

    [Fact]
    public void WrapThenUnwrap_GivesANewHandleToTheSameKey_AndATamperedBlobIsMalformed()
    {
        uint kwk = _rig.Generate(Policies.Kwk());
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, wrap: 2));
        TmelcomOutBuffer blob = _rig.Out(100);
        KmWrapMessage wrapped = _rig.Ok(TmelcomUid.KmWrap, new KmWrapMessage(key, kwk, 0, new TmelcomBuffer(blob.Address, 100), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)wrapped.Status);
        Assert.Equal(new TmelcomBuffer(blob.Address, 100), wrapped.WrappedKey);
        byte[] bytes = new byte[100];
        _rig.Memory.Read(blob.Address, bytes);
        Assert.Equal(1, bytes[0]);
        bytes = bytes[..bytes[1]];

        KmUnwrapMessage unwrapped = _rig.Ok(TmelcomUid.KmUnwrap, new KmUnwrapMessage(TmeCryptoIds.KeyIdAllocate, kwk, _rig.In(bytes), 0, 0, 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)unwrapped.Status);
        Assert.NotEqual(key, unwrapped.ResultKeyId);
        byte[] block = RandomNumberGenerator.GetBytes(16);
        Assert.Equal(EncryptBlock(key, block), EncryptBlock(unwrapped.ResultKeyId, block));

        bytes[5] ^= 1;
        KmUnwrapMessage tampered = _rig.Ok(TmelcomUid.KmUnwrap, new KmUnwrapMessage(TmeCryptoIds.KeyIdAllocate, kwk, _rig.In(bytes), 0, 0, 0, default));
        Assert.Equal(TmeStatus.MalformedToken, (TmeStatus)tampered.Status);
        Assert.Equal(0u, tampered.ResultKeyId);
    }

    [Fact]
    public void AnotherSubsystem_UsingAHandle_GetsExactlyTheAnswerForAHandleThatDoesNotExist()
    {
        uint key = _rig.Generate(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb));
        using CryptoService modem = _rig.ForOwner(2);
        uint free = key + 1;
        TmelcomBuffer input = _rig.In(new byte[16]);
        TmelcomOutBuffer output = _rig.Out(16);

        HcsAesEncryptMessage foreign = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, key, default, input, default, default, default, output, 0, default), modem);
        HcsAesEncryptMessage missing = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, free, default, input, default, default, default, output, 0, default), modem);
        Assert.Equal(missing with { KeyId = key }, foreign);
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)foreign.Status);

        KmClearMessage clear = _rig.Ok(TmelcomUid.KmClear, new KmClearMessage(key, 0, default), modem);
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)clear.Status);
        Assert.Equal(TmeStatus.Success, (TmeStatus)_rig.Ok(TmelcomUid.KmClear, new KmClearMessage(key, 0, default)).Status);
    }

    [Fact]
    public void Clear_ThenUse_IsTheUnknownHandleAnswer()
    {
        uint key = _rig.Generate(Policies.Ecdsa());
        Assert.Equal(TmeStatus.Success, (TmeStatus)_rig.Ok(TmelcomUid.KmClear, new KmClearMessage(key, 0, default)).Status);
        HcsEccPublicKeyMessage result = _rig.Ok(TmelcomUid.HcsEccGetPublicKey, new HcsEccPublicKeyMessage((uint)TmeCurve.P256, key, _rig.Out(64), 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal(0, _rig.Keys.Count);
    }

    [Theory]
    [InlineData(TmeKeyLength.Bits256, 31)]
    [InlineData(TmeKeyLength.Bits128, 32)]
    public void Import_AesKeyOfTheWrongLength_IsRefused(TmeKeyLength length, int bytes)
    {
        KmImportMessage result = _rig.Ok(TmelcomUid.KmImport, new KmImportMessage(TmeCryptoIds.KeyIdAllocate, Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, length: length), _rig.In(new byte[bytes]), 0, 0, 0, default));
        Assert.Equal(TmeStatus.InvalidInput, (TmeStatus)result.Status);
        Assert.Equal(0, _rig.Keys.Count);
    }

    [Fact]
    public void Generate_RsaOrAnUnknownCurve_IsNotImplemented()
    {
        TmeKeyPolicy rsa = Policies.Make(TmeKeyType.Rsa, TmeKeyLength.Bits2048, 1, 0);
        TmeKeyPolicy p224 = Policies.Make(TmeKeyType.Ecc, TmeKeyLength.Bits224, 1, 0);
        Assert.Equal(TmeStatus.NotImplemented, (TmeStatus)_rig.Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, rsa, 0, 0, 0, default)).Status);
        Assert.Equal(TmeStatus.NotImplemented, (TmeStatus)_rig.Ok(TmelcomUid.KmGenerate, new KmGenerateMessage(TmeCryptoIds.KeyIdAllocate, p224, 0, 0, 0, default)).Status);
    }

    private KmDeriveMessage Derive(uint input)
    {
        var spec = new TmeKdfSpec { InputKey = input, L2Key = 7, Policy = Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), SecurityContext = 0x20, SoftwareContext = new byte[128] };
        byte[] bytes = new byte[TmeKdfSpec.Size];
        spec.Encode(bytes);
        return _rig.Ok(TmelcomUid.KmDerive, new KmDeriveMessage(TmeCryptoIds.KeyIdAllocate, _rig.In(bytes), 0, 0, 0, default));
    }

    private byte[] EncryptBlock(uint key, byte[] block)
    {
        HcsAesEncryptMessage result = _rig.Ok(TmelcomUid.HcsAesEncrypt, new HcsAesEncryptMessage((uint)TmeAesMode.Ecb, key, default, _rig.In(block), default, default, default, _rig.Out(16), 0, default));
        Assert.Equal(TmeStatus.Success, (TmeStatus)result.Status);
        return _rig.Read(result.Ciphertext);
    }
}
