using System.Reflection;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tmelcom;

namespace Tmel.Simulator.Tests.ImageAuth;

/// <summary>The service's own extended errors are the ones a client describes: the two tables cannot drift apart.</summary>
public class ImageAuthErrorsTests
{
    public static TheoryData<uint> ServiceCodes() =>
        [.. typeof(ImageAuthErrors).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (uint)f.GetRawConstantValue()!)];

    [Theory]
    [MemberData(nameof(ServiceCodes))]
    public void FromResponse_EveryServiceCode_IsTheRequestStep_WithItsOwnReason(uint code)
    {
        TsimVerificationResult result = TsimVerificationResult.FromResponse(TmelStatus.BadParameter, code);

        Assert.Equal("SEC_AUTH request", result.Step);
        Assert.DoesNotContain("not one of", result.Detail, StringComparison.Ordinal);
    }
}
