using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary><see cref="TsimVerificationResult.FromResponse"/>: the step and reason a SEC_AUTH response's status and extended error name.</summary>
public class TsimVerificationResultTests
{
    [Theory]
    [InlineData(TmelStatus.BadParameter, 0x01u, "ELF and program headers")]
    [InlineData(TmelStatus.BadMessage, 0x02u, "hash segment")]
    [InlineData(TmelStatus.Generic, 0x03u, "software id")]
    [InlineData(TmelStatus.Generic, 0x04u, "certificate chain")]
    [InlineData(TmelStatus.Generic, 0x05u, "root of trust")]
    [InlineData(TmelStatus.Generic, 0x06u, "signature")]
    [InlineData(TmelStatus.Generic, 0x07u, "ELF header hash")]
    [InlineData(TmelStatus.Generic, 0x08u, "metadata binding")]
    [InlineData(TmelStatus.Generic, 0x09u, "debug and anti-rollback")]
    [InlineData(TmelStatus.Generic, 0x0A00u, "segment hash")]
    [InlineData(TmelStatus.Generic, 0x0A03u, "segment hash")]
    [InlineData(TmelStatus.BadParameter, 0x1001u, "SEC_AUTH request")]
    [InlineData(TmelStatus.Busy, 0x1008u, "SEC_AUTH request")]
    [InlineData(TmelStatus.Generic, 0x10FFu, "SEC_AUTH request")]
    [InlineData(TmelStatus.BadMessage, 0u, "response")]
    [InlineData(TmelStatus.Generic, 0x0B00u, "unknown")]
    public void FromResponse_AFailure_NamesTheStepOfItsExtendedError_WithAReason(TmelStatus status, uint extendedError, string step)
    {
        TsimVerificationResult result = TsimVerificationResult.FromResponse(status, extendedError);

        Assert.False(result.IsSuccess);
        Assert.Equal((status, extendedError, step), (result.Status, result.ExtendedError, result.Step));
        Assert.NotEqual(string.Empty, result.Detail);
        Assert.Null(result.Measurement);
    }

    [Fact]
    public void FromResponse_SegmentCodes_SayWhichPhdr_AndWhetherItWasMissingOrDiffers()
    {
        Assert.Equal("phdr[3]'s bytes do not match hash entry 3", TsimVerificationResult.FromResponse(TmelStatus.Generic, 0x0A03).Detail);
        Assert.Equal("phdr[3]'s bytes are not in the loaded memory", TsimVerificationResult.FromResponse(TmelStatus.BadAddress, 0x0A03).Detail);
        Assert.Equal("the image has no hashed PT_LOAD segment", TsimVerificationResult.FromResponse(TmelStatus.Generic, 0x0A00).Detail);
    }

    [Fact]
    public void FromResponse_RootOfTrust_SameStepAndReasonAsTheVerifier()
    {
        TsimVerificationResult verified = SignedImage.Create().Verify(fuses: new TsimFuses { OemPkHash = new byte[48] });
        Assert.Equal(0x05u, verified.ExtendedError);

        TsimVerificationResult described = TsimVerificationResult.FromResponse(verified.Status, verified.ExtendedError);

        Assert.Equal((verified.Step, verified.Detail), (described.Step, described.Detail));
    }

    [Fact]
    public void FromResponse_Success_Throws() =>
        Assert.Throws<ArgumentException>(() => TsimVerificationResult.FromResponse(TmelStatus.Success, 0));
}
