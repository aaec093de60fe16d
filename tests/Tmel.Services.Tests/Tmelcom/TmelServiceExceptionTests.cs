using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

public class TmelServiceExceptionTests
{
    [Fact]
    public void Constructor_ResponseByte_NamesUidStatusAndExtendedError()
    {
        var e = new TmelServiceException(TmelcomUid.TearDown, response: 7);
        Assert.Equal(
            "TME-L request 0x000A (SECBOOT SS_TEAR_DOWN) failed with Busy (packet response 7, TMEL_ERROR_TMEL_BUSY: TME-L is busy); extended error 0x00000000.",
            e.Message);
        Assert.IsAssignableFrom<RpmsgException>(e);
    }

    [Fact]
    public void Constructor_ServiceStatus_NamesUidStatusAndExtendedError()
    {
        var e = new TmelServiceException(TmelcomUid.SecAuth, status: 1, extendedError: 0x0A03);
        Assert.Equal(
            "TME-L request 0x0004 (SECBOOT SEC_AUTH) failed with Generic (service status 1, TMEL_ERROR_GENERIC: generic failure); extended error 0x00000A03.",
            e.Message);
    }

    [Fact]
    public void Constructor_UnnamedUid_UsesHex()
    {
        var e = new TmelServiceException(0xF101, response: 2);
        Assert.StartsWith("TME-L request 0xF101 failed with NotSupported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ResponseZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TmelServiceException(TmelcomUid.SecAuth, response: 0));

    [Fact]
    public void Constructor_StatusAndExtendedErrorZero_Throws() =>
        Assert.Throws<ArgumentException>(() => new TmelServiceException(TmelcomUid.SecAuth, status: 0, extendedError: 0));
}
