using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Sign → verify round trips, and one test per verification step with that step's status and extended error.</summary>
public class TsimImageVerifierTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Verify_SignedImage_Succeeds(bool is64, bool threeLevels)
    {
        TsimSigningIdentity identity = TestIdentities.Get(threeLevels);
        byte[] signed = TsimImageSigner.Sign(TestElfWriter.SmallFirmware(is64), identity, TestIdentities.SignOptions());
        TsimImage image = TsimImage.Parse(signed);

        TsimVerificationResult result = TsimImageVerifier.Verify(
            image.Metadata.Span, TestIdentities.SwId, TestIdentities.Fuses(identity), ArrayLoadedMemory.For(image), TestIdentities.Now);

        Assert.True(result.IsSuccess, result.Step + ": " + result.Detail);
        Assert.Equal(TmelStatus.Success, result.Status);
        Assert.Equal(TsimVerificationResult.VerifiedStep, result.Step);
        Assert.Equal(0x8000_0000u, result.FirstSegmentAddress);
        Assert.Equal(0x60u, result.FirstSegmentLength);
        Assert.Equal(0x8000_0010u, result.EntryAddress);
        Assert.NotNull(result.Measurement);
    }
}
