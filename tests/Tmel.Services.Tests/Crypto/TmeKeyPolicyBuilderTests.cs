using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Crypto;

/// <summary>
/// The policy builder against the sheet (tmelcom-services.md §4.3): the expected words are the sheet's own decoded client
/// policies, or are added up by hand from its bit table (field value &lt;&lt; field offset, one comment per field), never
/// produced by our encoder.
/// </summary>
public class TmeKeyPolicyBuilderTests
{
    [Fact]
    public void Build_UBootCrbkDerivePolicy_IsTheSheetsWords()
    {
        // §4.3 "Policies seen in clients": U-Boot derive, CRBK source = 0x4C204C20 / 0x00084044.
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Ecb)
            .WithLineage(TmeKeyLineage.NotProvisionedChipUnique)
            .WithWrappableBy(TmeKeyWrapClasses.Storage)
            .Build();

        Assert.Equal(new TmeKeyPolicy(0x4C204C20, 0x00084044), policy);
    }

    [Fact]
    public void Build_UBootOemSeedDerivePolicy_IsTheSheetsWords()
    {
        // U-Boot derive, OEM-seed source = 0x0C204C20 / 0x00084048: lineage NA, KWC = KWK_TRANSPORT.
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Ecb)
            .WithWrappableBy(TmeKeyWrapClasses.Transport)
            .Build();

        Assert.Equal(new TmeKeyPolicy(0x0C204C20, 0x00084048), policy);
    }

    [Fact]
    public void Build_LinuxSeccryptDerivePolicy_IsTheSheetsWords()
    {
        // Linux seccrypt derive = 0x4C204C20 / 0x00084040: as U-Boot CRBK but KWC = 0.
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Ecb)
            .WithLineage(TmeKeyLineage.NotProvisionedChipUnique)
            .Build();

        Assert.Equal(new TmeKeyPolicy(0x4C204C20, 0x00084040), policy);
    }

    [Fact]
    public void Build_OpTeeHukDerivePolicy_IsTheSheetsWords()
    {
        // OP-TEE HUK derive = 0x48204C20 / 0x00044100: owner TZ, KD_V4 = 4 (GPCE), KAU = TZ.
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Ecb)
            .WithLineage(TmeKeyLineage.NotProvisionedChipUnique)
            .WithOwner(TmeKeyOwner.TrustZone)
            .WithDestinations(TmeKeyDestinations.Gpce)
            .WithAuthorisedUsers(TmeKeyUsers.TrustZone)
            .Build();

        Assert.Equal(new TmeKeyPolicy(0x48204C20, 0x00044100), policy);
    }

    [Fact]
    public void Build_EcdsaP256_IsTheBitTableSum()
    {
        const uint Low =
            0x1u            // KT   bits 0-2   = 1 asymmetric ECC
            | (0x4u << 3)   // KL   bits 3-6   = 4 (256 bits)
            | (0x1u << 10)  // KOP  bits 10-13 = 1 ECDSA sign
            | (0x0u << 14)  // KAL  bits 14-19 = 0 ECDSA, family 0 NIST
            | (0x2u << 20)  // KSL  bits 20-21 = 2 hardware key
            | (0x3u << 26); // KO   bits 26-29 = 3 HLOS/HYP
        const uint High =
            (0x01u << 6)     // KD   bits 6-11  = 0x01 TME HW
            | (0x4u << 12)   // KPV  bits 12-15 = 4
            | (0x008u << 16); // KAU bits 16-27 = 0x008 HLOS/HYP
        Assert.Equal((0x0C200421u, 0x00084040u), (Low, High));

        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).Build();

        Assert.Equal(new TmeKeyPolicy(Low, High), policy);
    }

    [Fact]
    public void Build_PersistentEcdhP384_IsTheBitTableSum()
    {
        // KT 1 | KL 5 << 3 | KOP 2 << 10 | KAL ECC_ALGO_ECDH (the sheet's full constant 0x4000) | KSL 2 << 20 | KO 3 << 26.
        const uint Low = 0x1u | (0x5u << 3) | (0x2u << 10) | 0x4000u | (0x2u << 20) | (0x3u << 26);

        // KWC 2 (KWK_STORAGE) << 1 | KD 1 << 6 | KPV 4 << 12 | KAU 0x008 << 16.
        const uint High = (0x2u << 1) | (0x1u << 6) | (0x4u << 12) | (0x008u << 16);

        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.Ecc(TmeCurve.P384).WithUsages(TmeKeyUsages.Derive).Persistent();

        Assert.Equal(new TmeKeyPolicy(Low, High), builder.Build());
        Assert.True(builder.IsPersistent);
        Assert.Equal(new TmeKeyPolicy(Low, High & ~(0x2u << 1)), builder.Persistent(false).Build());
    }

    [Fact]
    public void Build_HmacSha256_UsesTheSheetsShiftedConstant()
    {
        // KAL SHA256_HMAC is 0x48000 already shifted (§4.3 "Full 32-bit constants"); KOP 4 << 10; KL 4 << 3.
        const uint Low = 0x0u | (0x4u << 3) | (0x4u << 10) | 0x48000u | (0x2u << 20) | (0x3u << 26);

        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Hmac(TmeHashAlgorithm.Sha256).Build();

        Assert.Equal(new TmeKeyPolicy(Low, 0x00084040), policy);
    }

    [Fact]
    public void Build_KeyDerivationKey_IsKdfNistWithTheKdkProfile()
    {
        // KAL KDF_NIST is 0x80000 shifted; KP 1 (KDK) << 7; KOP 4 << 10.
        const uint Low = (0x4u << 3) | (0x1u << 7) | (0x4u << 10) | 0x80000u | (0x2u << 20) | (0x3u << 26);

        Assert.Equal(new TmeKeyPolicy(Low, 0x00084040), TmeKeyPolicyBuilder.KeyDerivation().Build());
    }

    [Fact]
    public void Build_VersionThree_PutsTheDestinationInTheLowWord()
    {
        // A1's version 3: KD in low bits 22-25; KPV 3 << 12; nothing in high bits 6-11.
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).WithVersion(3).WithDestinations(TmeKeyDestinations.Ice).Build();

        Assert.Equal(new TmeKeyPolicy(0x0C200421u | (0x2u << 22), (0x3u << 12) | (0x008u << 16)), policy);
    }

    [Fact]
    public void Build_GcmKey_ReadsBackThroughThePolicyProperties()
    {
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits128, TmeAesMode.Gcm).WithUsages(TmeKeyUsages.Encrypt).WithWrappableBy(TmeKeyWrapClasses.Export).Build();

        Assert.Equal(TmeKeyType.Symmetric, policy.KeyType);
        Assert.Equal(TmeKeyLength.Bits128, policy.KeyLength);
        Assert.Equal(1u, policy.Operations);
        Assert.Equal((uint)TmeKeyAlgorithm.Aes128Gcm, policy.Algorithm);
        Assert.Equal(1u, policy.WrapConstraints);
        Assert.Equal(4u, policy.Version);
    }

    public static TheoryData<uint, uint> SheetPolicies => new()
    {
        { 0x4C204C20, 0x00084044 },
        { 0x0C204C20, 0x00084048 },
        { 0x4C204C20, 0x00084040 },
        { 0x48204C20, 0x00044100 },
        { 0x0C200421, 0x00084040 },
        { 0x0C204829, 0x00084044 },
        { 0x0C249020, 0x00084040 },
        { 0x0C260C20, 0x00084040 },
        { 0x0C2810A0, 0x00084040 },
        { 0x0C204D20, 0x00084040 },
    };

    [Theory]
    [MemberData(nameof(SheetPolicies))]
    public void FromPolicy_ThenBuild_GivesThePolicyBack(uint low, uint high)
    {
        var policy = new TmeKeyPolicy(low, high);

        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.FromPolicy(policy);

        Assert.Equal(policy, builder.Build());
        Assert.Equal(policy.KeyType, builder.KeyType);
        Assert.Equal(policy.KeyLength, builder.KeyLength);
    }

    [Fact]
    public void FromPolicy_KeyWrappingKey_IsAWrapKeyWithItsProfile()
    {
        TmeKeyPolicy policy = TmeKeyPolicyBuilder.KeyWrapping(TmeKeyLength.Bits256, TmeKeyProfile.WrapStorage).Build();

        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.FromPolicy(policy);

        Assert.Equal((TmeKeyUsages.Wrap, TmeKeyProfile.WrapStorage, TmeKeyAlgorithm.Aes256Ecb), (builder.Usages, builder.Profile, builder.Algorithm));
        Assert.Equal((3u, (uint)TmeKeyProfile.WrapStorage), (policy.Operations, (uint)policy.Profile));
    }

    [Fact]
    public void Build_SignOnASymmetricKey_Throws()
    {
        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits256, TmeAesMode.Gcm).WithUsages(TmeKeyUsages.Sign);

        var ex = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("does not sign", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EccSignAndDerive_ThrowsNamingTheOneAlgorithmRule()
    {
        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).WithUsages(TmeKeyUsages.Sign | TmeKeyUsages.Derive);

        var ex = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("not both", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Aes256AlgorithmOnA128BitKey_Throws()
    {
        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits128, TmeAesMode.Gcm).WithAlgorithm(TmeKeyAlgorithm.Aes256Gcm);

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void Build_DeriveCombinedWithEncrypt_Throws()
    {
        TmeKeyPolicyBuilder builder = TmeKeyPolicyBuilder.KeyDerivation().WithUsages(TmeKeyUsages.Derive | TmeKeyUsages.Encrypt);

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Theory]
    [InlineData(0x0C200421u, 0x00084041u)] // high bit 0: not defined
    [InlineData(0x0C200421u, 0x10084040u)] // high bits 28-31: not defined
    [InlineData(0x0C200421u | (1u << 22), 0x00084040u)] // a version-3 KD in a version-4 policy
    [InlineData(0x0C248C20u, 0x00084040u)] // KOP 3 with KAL SHA256_HMAC: encryption with an HMAC algorithm
    public void FromPolicy_BitsTheBuilderDoesNotHold_ThrowsArgumentException(uint low, uint high)
    {
        Assert.Throws<ArgumentException>(() => TmeKeyPolicyBuilder.FromPolicy(new TmeKeyPolicy(low, high)));
    }

    [Fact]
    public void FromPolicy_Rsa_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => TmeKeyPolicyBuilder.FromPolicy(new TmeKeyPolicy(0x5, 0x4000)));
    }

    [Fact]
    public void Factories_OutOfRangeChoices_ThrowArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TmeKeyPolicyBuilder.Ecc(TmeCurve.Ed25519));
        Assert.Throws<ArgumentOutOfRangeException>(() => TmeKeyPolicyBuilder.Aes(TmeKeyLength.Bits192, TmeAesMode.Gcm));
        Assert.Throws<ArgumentOutOfRangeException>(() => TmeKeyPolicyBuilder.Hmac(TmeHashAlgorithm.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => TmeKeyPolicyBuilder.KeyWrapping(profile: TmeKeyProfile.Generic));
        Assert.Throws<ArgumentOutOfRangeException>(() => TmeKeyPolicyBuilder.Ecc(TmeCurve.P256).WithVersion(5));
    }
}
