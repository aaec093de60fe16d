using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of LOOPBACK_TEST (tmelcom-services.md §3.8: val1 0, val2 4, result 8; U-Boot's layout stops at 8).</summary>
public class LoopbackMessageTests
{
    [Fact]
    public void Encode_MatchesGoldenBytes()
    {
        byte[] message = new byte[LoopbackMessage.MessageSize];
        LoopbackMessage.Encode(new LoopbackMessage(7, -2, 5), message);
        Assert.Equal("07000000" + "FEFFFFFF" + "05000000", Convert.ToHexString(message));
    }

    [Fact]
    public void Decode_BothLayouts()
    {
        Assert.Equal(new LoopbackMessage(7, -2, 5), LoopbackMessage.Decode(Convert.FromHexString("07000000" + "FEFFFFFF" + "05000000")));
        Assert.Equal(new LoopbackMessage(1, 2, 0), LoopbackMessage.Decode(Convert.FromHexString("01000000" + "02000000")));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(16)]
    public void Decode_OtherLength_ThrowsProtocolException(int length) =>
        Assert.Throws<RpmsgProtocolException>(() => LoopbackMessage.Decode(new byte[length]));
}
