using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth.Images;

public class TsimSigningIdentityExtensionsTests
{
    [Fact]
    public void CreateSignOptionsAndCreateFuses_FromOneIdentity_ImageVerifies()
    {
        TsimSigningIdentity identity = TestIdentities.ThreeLevels;

        TsimSignOptions options = identity.CreateSignOptions(antiRollbackVersion: 3);
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: true), identity, options);
        TsimVerificationResult result = TsimImageVerifier.VerifyFile(signed, TestIdentities.SwId, identity.CreateFuses(), TestIdentities.Now);

        Assert.True(result.IsSuccess, $"{result.Step}: {result.Detail}");
        Assert.Equal(TestIdentities.SwId, identity.GetSoftwareId());
        Assert.Equal((TestIdentities.SwId, TestIdentities.OemId, TestIdentities.ModelId, TestIdentities.HwId, 3u), (options.SwId, options.OemId, options.ModelId, options.HwId, options.AntiRollbackVersion));
    }

    [Fact]
    public void CreateFuses_OfAnotherIdentity_RootHashStepRejects()
    {
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64: false), TestIdentities.ThreeLevels, TestIdentities.ThreeLevels.CreateSignOptions());

        TsimVerificationResult result = TsimImageVerifier.VerifyFile(signed, TestIdentities.SwId, TestIdentities.TwoLevels.CreateFuses(), TestIdentities.Now);

        Assert.Equal((TmelStatus.Generic, 0x05u), (result.Status, result.ExtendedError));
    }

    [Fact]
    public void CreateSignOptions_SoftwareIdGiven_OverridesTheCertificate()
    {
        Assert.Equal(0x1234u, TestIdentities.TwoLevels.CreateSignOptions(softwareId: 0x1234).SwId);
        Assert.Throws<ArgumentNullException>(() => TsimSigningIdentityExtensions.CreateFuses(null!));
    }
}
