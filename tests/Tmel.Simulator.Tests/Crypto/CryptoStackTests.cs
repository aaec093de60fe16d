using System.Security.Cryptography;
using Rpmsg.Core;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>The typed crypto client through the whole stack: client, request lane, rpmsg, QMP, the simulator's crypto service.</summary>
public class CryptoStackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Channel_IsAnnouncedAsTmelCrypto()
    {
        Assert.Equal(CryptoDriver.ChannelName, TmelSimulator.CryptoChannel);
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        Assert.Equal(TmelSimulator.CryptoChannel, client.Device!.Name);
    }

    [Fact]
    public async Task SignAsync_P256_VerifiesOutsideWithTheExportedKey_AndInside()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle key = await client.GenerateKeyAsync(Policies.Ecdsa(), Ct);
        byte[] message = "sign me"u8.ToArray();

        byte[] signature = await client.SignAsync(key, TmeCurve.P256, TmeHashAlgorithm.Sha256, message, Ct);
        using ECDsa publicKey = await client.GetEcdsaPublicKeyAsync(key, TmeCurve.P256, Ct);

        Assert.True(publicKey.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        ECParameters q = publicKey.ExportParameters(false);
        byte[] point = [.. q.Q.X!, .. q.Q.Y!];
        Assert.True(await client.VerifyAsync(TmeCurve.P256, point, TmeHashAlgorithm.Sha256, message, signature, Ct));
        Assert.False(await client.VerifyAsync(TmeCurve.P256, point, TmeHashAlgorithm.Sha256, "other"u8.ToArray(), signature, Ct));
    }

    [Fact]
    public async Task EncryptAsync_GcmWithADerivedKey_RoundTrips1KiB_AndATamperedTagIsFailure()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle key = await client.DeriveKeyAsync(
            new TmeKdfSpec { InputKey = 9, L2Key = 7, Policy = Policies.Aes(TmeKeyAlgorithm.Aes256Gcm), SecurityContext = 0x20, SoftwareContext = "app"u8.ToArray() },
            Ct);
        byte[] plain = RandomNumberGenerator.GetBytes(1024);

        AesResult sealedData = await client.EncryptAsync(key, TmeAesMode.Gcm, plain, "aad"u8.ToArray(), Ct);
        byte[] opened = await client.DecryptAsync(key, TmeAesMode.Gcm, sealedData.Ciphertext, sealedData.Iv, sealedData.Tag, "aad"u8.ToArray(), Ct);

        Assert.Equal((12, 16), (sealedData.Iv.Length, sealedData.Tag.Length));
        Assert.Equal(plain, opened);
        sealedData.Tag[0] ^= 1;
        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => client.DecryptAsync(key, TmeAesMode.Gcm, sealedData.Ciphertext, sealedData.Iv, sealedData.Tag, "aad"u8.ToArray(), Ct));
        Assert.Equal(TmeStatus.Failure, ex.Status);
        Assert.Contains("TME_STATUS_FAILURE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrapKeyAsync_AKeyThatMayNotLeave_IsRefusedWithTheStatusName()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle kwk = await client.GenerateKeyAsync(Policies.Kwk(), Ct);
        TmeKeyHandle key = await client.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Gcm), Ct);

        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => client.WrapKeyAsync(key, kwk, Ct));

        Assert.Equal(TmeStatus.InvalidInput, ex.Status);
        Assert.Equal(TmelcomUid.KmWrap, ex.Uid);
        Assert.Contains("TME_STATUS_INVALID_INPUT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrapThenUnwrap_ThroughTheStack_GivesAWorkingKey()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle kwk = await client.GenerateKeyAsync(Policies.Kwk(), Ct);
        TmeKeyHandle key = await client.GenerateKeyAsync(Policies.Aes(TmeKeyAlgorithm.Aes256Ecb, wrap: 2), Ct);
        byte[] blob = await client.WrapKeyAsync(key, kwk, Ct);
        TmeKeyHandle copy = await client.UnwrapKeyAsync(kwk, blob, Ct);
        byte[] block = RandomNumberGenerator.GetBytes(16);

        Assert.Equal((await client.EncryptAsync(key, TmeAesMode.Ecb, block, cancellationToken: Ct)).Ciphertext, (await client.EncryptAsync(copy, TmeAesMode.Ecb, block, cancellationToken: Ct)).Ciphertext);
        await client.ClearKeyAsync(copy, Ct);
        Assert.Equal(TmeStatus.InvalidInput, (await Assert.ThrowsAsync<TmeCryptoException>(() => client.ClearKeyAsync(copy, Ct))).Status);
    }

    [Fact]
    public async Task DigestHmacRandom_ThroughTheStack_AreTheKnownAnswers()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle hmac = await client.ImportKeyAsync(Policies.Hmac(), "Jefe"u8.ToArray(), Ct);

        Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(await client.DigestAsync(TmeHashAlgorithm.Sha256, "abc"u8.ToArray(), Ct)));
        Assert.Equal("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843", Convert.ToHexString(await client.HmacAsync(hmac, TmeHashAlgorithm.Sha256, "what do ya want for nothing?"u8.ToArray(), Ct)));
        Assert.Equal(32, (await client.GetRandomAsync(32, Ct)).Length);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetRandomAsync(513, Ct));
    }

    [Fact]
    public async Task AgreeAsync_AgreesWithADotNetKeyPair()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle key = await client.GenerateKeyAsync(Policies.Ecdh(), Ct);
        using ECDiffieHellman peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        TmeKeyHandle shared = await client.AgreeAsync(key, TmeCurve.P256, peer.PublicKey, Policies.Aes(TmeKeyAlgorithm.Aes256Ecb), Ct);
        using ECDiffieHellmanPublicKey simulatorPublic = await client.GetEcdhPublicKeyAsync(key, TmeCurve.P256, Ct);
        byte[] block = RandomNumberGenerator.GetBytes(16);
        using Aes aes = Aes.Create();
        aes.Key = peer.DeriveRawSecretAgreement(simulatorPublic);

        Assert.Equal(aes.EncryptEcb(block, PaddingMode.None), (await client.EncryptAsync(shared, TmeAesMode.Ecb, block, cancellationToken: Ct)).Ciphertext);
    }

    [Fact]
    public async Task RawPrngAtAddressZero_IsAnswered()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint rfc = rig.Bus.CreateEndpoint(new RpmsgAddress(0));
        Tmel.Transport.Qmp.QmpSharedBuffer output = rig.SharedMemory.Allocate(32);
        Tmel.Transport.Qmp.QmpSharedBuffer message = rig.SharedMemory.Allocate(HcsPrngMessage.MessageSize);
        byte[] bytes = new byte[HcsPrngMessage.MessageSize];
        HcsPrngMessage.Encode(new HcsPrngMessage(32, new TmelcomOutBuffer(output.BusAddress, 32, 0), 1, default), bytes);
        message.Write(bytes);
        byte[] packet = new byte[TmelcomPacket.Size];
        TmelcomPacket.Encode(TmelcomPacket.CreateSram(TmelcomUid.HcsPrngGet, message.BusAddress, HcsPrngMessage.MessageSize), packet);

        await rfc.SendToAsync(new RpmsgAddress(TmelSimulator.RfcAddress), packet, Ct);
        using RpmsgMessage reply = await rfc.ReceiveAsync(Ct);

        Assert.Equal(0, TmelcomPacket.Decode(reply.Span).Response);
        message.Read(0, bytes);
        HcsPrngMessage result = HcsPrngMessage.Decode(bytes);
        Assert.Equal((0u, 32u), (result.Status, result.Output.Used));
    }

    private static async Task<CryptoClient> BindAsync(StackRig rig)
    {
        var driver = new CryptoDriver(rig.SharedMemory);
        await rig.Bus.RegisterDriverAsync(driver, Ct);
        return await driver.WaitForClientAsync(Ct);
    }
}
