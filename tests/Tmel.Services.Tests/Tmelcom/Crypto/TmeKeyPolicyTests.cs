using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>The key-policy fields read from the policies tmelcom-services.md §4.3 decodes ("Policies seen in clients").</summary>
public class TmeKeyPolicyTests
{
    [Fact]
    public void Fields_UBootCrbkDerivePolicy_DecodeAsTheSheetSays()
    {
        // 0x4C204C20 / 0x00084044: symmetric, 256-bit, generic, encrypt+decrypt, AES256_ECB, HW key, owner HLOS/HYP,
        // lineage NP_CU; KWC = KWK_STORAGE, KD_V4 = TME HW, KPV 4, KAU = HLOS/HYP.
        TmeKeyPolicy policy = new(0x4C204C20, 0x00084044);
        Assert.Equal(TmeKeyType.Symmetric, policy.KeyType);
        Assert.Equal(TmeKeyLength.Bits256, policy.KeyLength);
        Assert.Equal(TmeKeyProfile.Generic, policy.Profile);
        Assert.Equal(3u, policy.Operations);
        Assert.Equal((uint)TmeKeyAlgorithm.Aes256Ecb, policy.Algorithm);
        Assert.Equal(2u, policy.SecurityLevel);
        Assert.Equal(3u, policy.Owner);
        Assert.Equal(1u, policy.Lineage);
        Assert.Equal(2u, policy.WrapConstraints);
        Assert.False(policy.Throttled);
        Assert.Equal(1u, policy.Destination);
        Assert.Equal(4u, policy.Version);
        Assert.Equal(0x008u, policy.AuthorisedUsers);
    }

    [Fact]
    public void Fields_OpteeHukPolicy_DecodeAsTheSheetSays()
    {
        // 0x48204C20 / 0x00044100: owner TZ, NP_CU, not wrappable, KD_V4 = 4 (GPCE), KPV 4, KAU = TZ.
        TmeKeyPolicy policy = new(0x48204C20, 0x00044100);
        Assert.Equal(2u, policy.Owner);
        Assert.Equal(1u, policy.Lineage);
        Assert.Equal(0u, policy.WrapConstraints);
        Assert.Equal(4u, policy.Destination);
        Assert.Equal(4u, policy.Version);
        Assert.Equal(0x004u, policy.AuthorisedUsers);
    }

    [Fact]
    public void Fields_OemSeedPolicy_HasLineageNotApplicableAndTransportWrapping()
    {
        TmeKeyPolicy policy = new(0x0C204C20, 0x00084048);
        Assert.Equal(0u, policy.Lineage);
        Assert.Equal(4u, policy.WrapConstraints);
    }
}
