using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>The status table: each RFC code 1..7 (qmp-rfc.md §5.2, services.md §4.1) to its enum value, name and exception, on both paths.</summary>
public class TmelStatusTableTests
{
    public static TheoryData<int, TmelStatus, string> RfcCodes { get; } = new()
    {
        { 1, TmelStatus.Generic, "TMEL_ERROR_GENERIC" },
        { 2, TmelStatus.NotSupported, "TMEL_ERROR_NOT_SUPPORTED" },
        { 3, TmelStatus.BadParameter, "TMEL_ERROR_BAD_PARAMETER" },
        { 4, TmelStatus.BadMessage, "TMEL_ERROR_BAD_MESSAGE" },
        { 5, TmelStatus.BadAddress, "TMEL_ERROR_BAD_ADDRESS" },
        { 6, TmelStatus.TmelcomFailure, "TMEL_ERROR_TMELCOM_FAILURE" },
        { 7, TmelStatus.Busy, "TMEL_ERROR_TMEL_BUSY" },
    };

    [Theory]
    [MemberData(nameof(RfcCodes))]
    public void ToStatus_RfcCode_MapsToItsEnumValue(int code, TmelStatus status, string name)
    {
        Assert.Equal(status, TmelStatusTable.ToStatus(code));
        Assert.Equal(code, (int)status);
        Assert.Equal(name, TmelStatusTable.GetName(code));
    }

    [Theory]
    [MemberData(nameof(RfcCodes))]
    public void PacketResponse_RfcCode_ThrowsTmelServiceException(int code, TmelStatus status, string name)
    {
        // A SEC_AUTH reply (§8 words) with the code in the response byte.
        byte[] wire = Convert.FromHexString("110004" + code.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + "4000208F" + "2C000000" + "000000000000000000000000");
        TmelcomPacket reply = TmelcomPacket.Decode(wire);

        var e = Assert.Throws<TmelServiceException>(reply.ThrowIfFailed);
        Assert.Equal(RpmsgError.RemoteServiceError, e.Error);
        Assert.Equal(TmelcomUid.SecAuth, e.Uid);
        Assert.Equal(status, e.Status);
        Assert.Equal(code, e.RawStatus);
        Assert.Equal(0u, e.ExtendedError);
        Assert.Equal(TmelStatusOrigin.PacketResponse, e.Origin);
        Assert.Contains("0x0004 (SECBOOT SEC_AUTH)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{status} (packet response {code}, {name}", e.Message, StringComparison.Ordinal);
        Assert.Contains("extended error 0x00000000", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RfcCodes))]
    public void ServiceStatus_RfcCode_ThrowsTmelServiceException(int code, TmelStatus status, string name)
    {
        var response = new SecAuthResponse(0, 0, 0, ExtendedError: 0x0A03, Status: (uint)code);

        var e = Assert.Throws<TmelServiceException>(response.ThrowIfFailed);
        Assert.Equal(RpmsgError.RemoteServiceError, e.Error);
        Assert.Equal(TmelcomUid.SecAuth, e.Uid);
        Assert.Equal(status, e.Status);
        Assert.Equal(code, e.RawStatus);
        Assert.Equal(0x0A03u, e.ExtendedError);
        Assert.Equal(TmelStatusOrigin.ServiceStatus, e.Origin);
        Assert.Contains($"{status} (service status {code}, {name}", e.Message, StringComparison.Ordinal);
        Assert.Contains("extended error 0x00000A03", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStatus_Zero_IsSuccess_AndNoFailure()
    {
        Assert.Equal(TmelStatus.Success, TmelStatusTable.ToStatus(0));
        TmelStatusTable.ThrowIfFailed(TmelcomUid.SecAuth, (sbyte)0);
        TmelStatusTable.ThrowIfFailed(TmelcomUid.SecAuth, 0u, 0u);
    }

    [Theory]
    [InlineData(8L)]
    [InlineData(127L)]
    [InlineData(-1L)]
    [InlineData(-128L)]
    [InlineData(0xFFFFFFFFL)]
    [InlineData(0x80000000L)]
    public void ToStatus_CodeOutsideTheTable_IsUnknown(long raw)
    {
        Assert.Equal(TmelStatus.Unknown, TmelStatusTable.ToStatus(raw));
        Assert.Equal("unknown TMEL code", TmelStatusTable.GetName(raw));
    }

    [Theory]
    [InlineData((sbyte)8)]
    [InlineData((sbyte)-1)]
    [InlineData(sbyte.MinValue)]
    public void PacketResponse_UnknownCode_KeepsTheRawValue(sbyte response)
    {
        var e = Assert.Throws<TmelServiceException>(() => TmelStatusTable.ThrowIfFailed(TmelcomUid.TearDown, response));
        Assert.Equal(TmelStatus.Unknown, e.Status);
        Assert.Equal(response, e.RawStatus);
        Assert.Contains($"packet response {response}, unknown TMEL code", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(0xFFFFFFFFu)]
    public void ServiceStatus_UnknownCode_KeepsTheRawValue(uint status)
    {
        var e = Assert.Throws<TmelServiceException>(new TearDownResponse(status).ThrowIfFailed);
        Assert.Equal(TmelStatus.Unknown, e.Status);
        Assert.Equal(status, e.RawStatus);
        Assert.Contains($"service status {status}, unknown TMEL code", e.Message, StringComparison.Ordinal);
    }
}
