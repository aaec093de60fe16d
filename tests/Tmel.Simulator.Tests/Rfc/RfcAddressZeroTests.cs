using Rpmsg.Core;
using Tmel.Services.Tmelcom;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Rfc;

/// <summary>Address 0 over the rpmsg stack: raw TMELCOM to destination 0 is answered to source 0, UID by UID.</summary>
public class RfcAddressZeroTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("000A0018 0000000D 00000000 00000001 00000000 00000000", "000A0018 0000000D 00000000 00000003 00000000 00000000")] // TEAR_DOWN, not up: BAD_PARAMETER
    [InlineData("00080018 0000000D 00000000 00000001 00000000 00000000", "02080018 0000000D 00000000 00000001 00000000 00000000")] // UPDATE_ARB_VERSION (not served): NOT_SUPPORTED
    [InlineData("00090018 0000000D 00000000 00000000 00000000 00000000", "00090018 0000000D 00010001 00000000 00000000 00000000")] // GET_ARB_VERSION: fused minimum 1, valid
    [InlineData("0001FF18 00000002 00000005 00000000 00000000 00000000", "0001FF18 00000002 00000005 00000007 00000000 00000000")] // LOOPBACK_TEST: 2 + 5
    [InlineData("000A0011 00000000 0000002C 00000000 00000000 00000000", "040A0011 00000000 0000002C 00000000 00000000 00000000")] // TEAR_DOWN as SRAM: BAD_MESSAGE
    [InlineData("00040011 00001000 0000002C 00000000 00000000 00000000", "05040011 00001000 0000002C 00000000 00000000 00000000")] // SEC_AUTH struct outside: BAD_ADDRESS
    [InlineData("00040011 00001000 0000002C 00000001 00000000 00000000", "04040000 00000000 00000000 00000000 00000000 00000000")] // no packet (tail not zero): BAD_MESSAGE
    public async Task RawPacketToAddressZero_IsAnsweredToAddressZero(string requestWords, string replyWords)
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint rfc = rig.Bus.CreateEndpoint(new RpmsgAddress(0));

        await rfc.SendToAsync(new RpmsgAddress(TmelSimulator.RfcAddress), Words(requestWords), Ct);
        using RpmsgMessage reply = await rfc.ReceiveAsync(Ct);

        Assert.Equal(0u, reply.Source.Value);
        Assert.Equal(0u, reply.Destination.Value);
        Assert.Equal(Words(replyWords), reply.Span.ToArray());
    }

    [Fact]
    public async Task ShortMessageToAddressZero_IsBadMessage()
    {
        await using StackRig rig = await StackRig.StartAsync(Ct);
        await using RpmsgEndpoint rfc = rig.Bus.CreateEndpoint(new RpmsgAddress(0));

        await rfc.SendToAsync(new RpmsgAddress(0), new byte[] { 0x18, 0x00, 0x0A }, Ct);
        using RpmsgMessage reply = await rfc.ReceiveAsync(Ct);

        TmelcomPacket packet = TmelcomPacket.Decode(reply.Span);
        Assert.Equal((sbyte)TmelStatus.BadMessage, packet.Response);
        Assert.Equal(TmelcomUid.TearDown, packet.Uid);
    }

    private static byte[] Words(string words)
    {
        string[] parts = words.Split(' ');
        byte[] bytes = new byte[parts.Length * 4];
        for (int i = 0; i < parts.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), Convert.ToUInt32(parts[i], 16));
        }

        return bytes;
    }
}
