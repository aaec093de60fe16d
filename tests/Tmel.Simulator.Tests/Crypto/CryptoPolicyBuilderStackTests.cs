using System.Security.Cryptography;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>Keys made from <see cref="TmeKeyPolicyBuilder"/> policies, used and refused through the whole stack.</summary>
public class CryptoPolicyBuilderStackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateKeyAsync_BuilderEcdsaP256_SignsAndVerifiesOutside()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);

        TmeKeyHandle key = await client.GenerateKeyAsync(TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).Persistent(), Ct);
        byte[] signature = await client.SignAsync(key, TmeCurve.P256, TmeHashAlgorithm.Sha256, "m"u8.ToArray(), Ct);
        using ECDsa publicKey = await client.GetEcdsaPublicKeyAsync(key, TmeCurve.P256, Ct);

        Assert.True(publicKey.VerifyData("m"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task DeriveKeyAsync_BuilderKdkAndGcmPolicy_RoundTripsAndIsDeterministic()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle kdk = await client.ImportKeyAsync(TmeKeyPolicyBuilder.KeyDerivation(), RandomNumberGenerator.GetBytes(32), Ct);
        TmeKeyPolicyBuilder gcm = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Gcm).WithWrappableBy(TmeKeyWrapClasses.Export);

        TmeKeyHandle first = await client.DeriveKeyAsync(kdk, gcm, "ctx"u8.ToArray(), "label"u8.ToArray(), Ct);
        TmeKeyHandle second = await client.DeriveKeyAsync(kdk, gcm, "ctx"u8.ToArray(), "label"u8.ToArray(), Ct);
        byte[] plain = RandomNumberGenerator.GetBytes(100);
        AesResult sealedData = await client.EncryptAsync(first, TmeAesMode.Gcm, plain, cancellationToken: Ct);

        Assert.NotEqual(first, second);
        Assert.Equal(plain, await client.DecryptAsync(second, TmeAesMode.Gcm, sealedData.Ciphertext, sealedData.Iv, sealedData.Tag, cancellationToken: Ct));
    }

    [Fact]
    public async Task EncryptAsync_KeyBuiltForDecryptOnly_IsRefusedInvalidInput()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        CryptoClient client = await BindAsync(rig);
        TmeKeyHandle key = await client.GenerateKeyAsync(TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits128, TmeAesMode.Gcm).WithUsages(TmeKeyUsages.Decrypt), Ct);

        var ex = await Assert.ThrowsAsync<TmeCryptoException>(() => client.EncryptAsync(key, TmeAesMode.Gcm, new byte[16], cancellationToken: Ct));

        Assert.Equal((TmeStatus.InvalidInput, TmelcomUid.HcsAesEncrypt), (ex.Status, ex.Uid));
    }

    private static async Task<CryptoClient> BindAsync(StackRig rig)
    {
        var driver = new CryptoDriver(rig.SharedMemory);
        await rig.Bus.RegisterDriverAsync(driver, Ct);
        return await driver.WaitForClientAsync(Ct);
    }
}
