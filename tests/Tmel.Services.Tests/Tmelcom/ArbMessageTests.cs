using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of GET_ARB_VERSION and UPDATE_ARB_VER_SWID_LIST (tmelcom-services.md §3.1).</summary>
public class ArbMessageTests
{
    private const string GetReplyHex =
        "0D000000" + // 0 sw_id         0xD
        "05" +       // 4 oem_version   5
        "00" +       // 5 qti_version   0
        "01" +       // 6 oem_is_valid  1
        "00" +       // 7 qti_is_valid  0
        "00000000";  // 8 status        0

    private const string CommitHex =
        "00300020" + // 0 cbuffer.buf      0x20003000
        "08000000" + // 4 cbuffer.buf_len  8 (two sw_ids)
        "00000000";  // 8 status           0 (not preset)

    [Fact]
    public void ArbVersion_Encode_MatchesGoldenBytes()
    {
        byte[] message = new byte[ArbVersionMessage.MessageSize];
        ArbVersionMessage.Encode(new ArbVersionMessage(0xD, 5, 0, true, false, 0), message);
        Assert.Equal(GetReplyHex, Convert.ToHexString(message));
    }

    [Fact]
    public void ArbVersion_Decode_ReadsEveryField_AnyNonZeroFlagIsValid()
    {
        Assert.Equal(new ArbVersionMessage(0xD, 5, 0, true, false, 0), ArbVersionMessage.Decode(Convert.FromHexString(GetReplyHex)));
        Assert.Equal(new ArbVersionMessage(1, 2, 3, true, true, 7), ArbVersionMessage.Decode(Convert.FromHexString("01000000" + "0203FF80" + "07000000")));
    }

    [Fact]
    public void ArbVersion_CreateRequest_IsSwIdThenZeros()
    {
        byte[] message = new byte[ArbVersionMessage.MessageSize];
        ArbVersionMessage.Encode(ArbVersionMessage.CreateRequest(0x2A), message);
        Assert.Equal("2A000000" + "00000000" + "00000000", Convert.ToHexString(message));
    }

    [Fact]
    public void ArbCommit_RoundTripsGoldenBytes()
    {
        byte[] message = new byte[ArbCommitMessage.MessageSize];
        ArbCommitMessage.Encode(new ArbCommitMessage(new TmelcomBuffer(0x20003000, 8), 0), message);
        Assert.Equal(CommitHex, Convert.ToHexString(message));
        Assert.Equal(new ArbCommitMessage(new TmelcomBuffer(0x20003000, 8), 0), ArbCommitMessage.Decode(message));
    }

    [Fact]
    public void Decode_WrongLength_ThrowsProtocolException()
    {
        Assert.Throws<RpmsgProtocolException>(() => ArbVersionMessage.Decode(new byte[8]));
        Assert.Throws<RpmsgProtocolException>(() => ArbCommitMessage.Decode(new byte[16]));
    }
}
