using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The exact mailbox contents each side writes, step by step. Expected words come from qmp-rfc.md §8 (derived there
/// from the §2 bit layout); where this link deliberately differs from the RFC driver, the comment says how the word
/// follows from the same layout (see docs/qmp-link.md): the receiver acks every fragment when it takes it and flips rx_done
/// in a second write once the message was consumed, where the RFC's table shows one write for both.
/// </summary>
public class QmpLinkGoldenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BringUp_WritesTheGoldenSequence()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        Assert.Equal(
            [
                "L:00000001", // §8 #1  L startup: link_state
                "R:00000003", // §8 #2  R link up + ack
                "L:00000007", // §8 #4  L link ack + channel open (the RFC's step 3 ack rides with this write, as in the RFC)
                "R:0000000F", // §8 #5  R channel open + ack
                "L:0000000F", // §8 #6  L channel ack: CHANNEL_CONNECTED
            ],
            pair.TakeWrites());
    }

    [Fact]
    public async Task OneFragmentRequestAndResponse_WriteTheGoldenSequence_WithPayloadAndAddressWord()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        pair.TakeWrites();
        byte[] request = Convert.FromHexString("18000A00" + "05000000" + "00000000" + "01000000" + "00000000" + "00000000"); // §8 TEAR_DOWN words, sw_id 5

        await pair.Local.SendAsync(request, 0x0035_0400, Ct);
        (uint reserved, byte[] received) = await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(0x0035_0400u, reserved);
        Assert.Equal(request, received);

        List<QmpMailboxWrite> writes = pair.TakeRawWrites();
        Assert.Equal(
            "1F001800" +                                          // §8 #7  L: 0x0F + tx + 24<<16
            "18000A000500000000000000010000000000000000000000" + // payload at +0x04
            "00043500",                                          // reserved word: src 0x0400, dst 0x0035, u16 LE each
            writes[0].Hex);
        Assert.Equal(0, writes[0].Offset);
        Assert.Equal("2F000000", writes[1].Hex[..8]);             // §8 #8, first half: R acks the fragment when it takes it
        Assert.Equal(0x1000, writes[1].Offset);
        Assert.Equal("6F000000", writes[2].Hex[..8]);             // §8 #8, second half: rx_done once consumed (the RFC writes both at once)
        Assert.Equal(3, writes.Count);                           // §8 #9  L: rx_done_ack in RAM only

        await pair.Remote.SendAsync(request, 0x0400_0035, Ct);
        await pair.LocalHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal(["R:0018007F", "L:001800BF", "L:001800FF"], pair.TakeWrites()); // §8 #10, #11 as ack then rx_done (#12: R's ack stays in RAM)

        await pair.Local.SendAsync(request, 0x0035_0400, Ct);
        await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct);
        Assert.Equal("L:001800EF", pair.TakeWrites()[0]);        // §8 #13 the next send flips tx back
    }

    [Fact]
    public async Task ThreeFragmentMessage_WritesCountdownAndContinuationMarker()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        pair.TakeWrites();
        byte[] message = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();

        await pair.Local.SendAsync(message, 0x0035_0400, Ct);
        Assert.Equal(message, (await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct)).Message);

        List<QmpMailboxWrite> writes = pair.TakeRawWrites();
        string[] expected =
        [
            "1F001802" + Convert.ToHexString(message, 0, 24) + "00043500", // L: tx=1, frag 24, rem 2, addresses
            "2F000000",                                                   // R: tx_ack=1
            "0F001801" + Convert.ToHexString(message, 24, 24) + "FFFFFFFF", // L: tx=0, frag 24, rem 1, continuation
            "0F000000",                                                   // R: tx_ack=0
            "1F000C00" + Convert.ToHexString(message, 48, 12) + new string('0', 24) + "FFFFFFFF", // L: tx=1, frag 12, rem 0
            "2F000000",                                                   // R: tx_ack=1 (taken)
            "6F000000",                                                   // R: rx_done (consumed)
        ];
        Assert.Equal(expected.Length, writes.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith(expected[i], writes[i].Hex, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RemoteLinkDown_LocalClearsLinkAck_AsTheRfc()
    {
        await using var pair = new LinkPair();
        await pair.ConnectAsync(Ct);
        byte[] request = new byte[24];
        await pair.Local.SendAsync(request, 0x0035_0400, Ct);
        await pair.RemoteHandler.Messages.Reader.ReadAsync(Ct);
        await pair.Remote.SendAsync(request, 0x0400_0035, Ct);
        await pair.LocalHandler.Messages.Reader.ReadAsync(Ct);
        pair.TakeWrites();

        await pair.Remote.DisposeAsync();
        Assert.False(await pair.LocalHandler.ChannelStates.Reader.ReadAsync(Ct));
        Assert.Equal(
            [
                "R:00000000", // R link down
                "L:001800FD", // §8 failure path: L clears link_state_ack only
            ],
            pair.TakeWrites());
        Assert.Equal(QmpLinkState.LinkNegotiation, pair.Local.State);
    }
}
