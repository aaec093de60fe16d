using CsCheck;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// Descriptor words from the fact sheet (qmp-rfc.md §2 bit table and §8 golden vectors), decoded and rebuilt field by
/// field. The expected values are the sheet's hex, not the output of our encoder.
/// </summary>
public class QmpDescriptorTests
{
    [Theory]
    // §8 row, word, then link/ack, ch/ack, tx/ack, rx_done/ack, frag_size, rem_frag_count
    [InlineData(0x00000001u, true, false, false, false, false, false, false, false, 0, 0)]   // 1  L link up
    [InlineData(0x00000003u, true, true, false, false, false, false, false, false, 0, 0)]    // 2  R link up + ack
    [InlineData(0x00000007u, true, true, true, false, false, false, false, false, 0, 0)]     // 4  L channel open
    [InlineData(0x0000000Fu, true, true, true, true, false, false, false, false, 0, 0)]      // 5/6 channel open + ack
    [InlineData(0x0018001Fu, true, true, true, true, true, false, false, false, 24, 0)]      // 7  L sends 24 bytes
    [InlineData(0x0000006Fu, true, true, true, true, false, true, true, false, 0, 0)]        // 8  R tx_ack + rx_done
    [InlineData(0x0018009Fu, true, true, true, true, true, false, false, true, 24, 0)]       // 9  L rx_done_ack
    [InlineData(0x0018007Fu, true, true, true, true, true, true, true, false, 24, 0)]        // 10 R response
    [InlineData(0x001800FFu, true, true, true, true, true, true, true, true, 24, 0)]         // 11 L all toggles
    [InlineData(0x001800EFu, true, true, true, true, false, true, true, true, 24, 0)]        // 13 L next send
    [InlineData(0x001800FDu, true, false, true, true, true, true, true, true, 24, 0)]        // R link down: L clears link ack
    [InlineData(0x001800F7u, true, true, true, false, true, true, true, true, 24, 0)]        // R channel down: L clears ch ack
    [InlineData(0x02180010u, false, false, false, false, true, false, false, false, 24, 2)]  // first of three fragments
    public void Fields_DecodeAsTheBitTableSays(uint word, bool link, bool linkAck, bool ch, bool chAck, bool tx, bool txAck, bool rxDone, bool rxDoneAck, int fragSize, int remaining)
    {
        var d = new QmpDescriptor(word);
        Assert.Equal((link, linkAck, ch, chAck), (d.LinkState, d.LinkStateAck, d.ChannelState, d.ChannelStateAck));
        Assert.Equal((tx, txAck, rxDone, rxDoneAck), (d.Tx, d.TxAck, d.RxDone, d.RxDoneAck));
        Assert.Equal(fragSize, d.FragmentSize);
        Assert.Equal(remaining, d.RemainingFragments);
        Assert.Equal(0, d.Reserved);

        QmpDescriptor rebuilt = new QmpDescriptor(0)
            .WithLinkState(link).WithLinkStateAck(linkAck).WithChannelState(ch).WithChannelStateAck(chAck)
            .WithTx(tx).WithTxAck(txAck).WithRxDone(rxDone).WithRxDoneAck(rxDoneAck)
            .WithFragment((byte)fragSize, (byte)remaining);
        Assert.Equal(word, rebuilt.Value);
    }

    [Fact]
    public void Transitions_OfTheGoldenSequence_AreSingleFieldChanges()
    {
        // §8: 7 = 0x0F + tx + 24<<16; 11 = 9 + tx_ack + rx_done; 13 = 11 - tx.
        Assert.Equal(0x0018001Fu, new QmpDescriptor(0x0000000F).WithTx(true).WithFragment(24, 0).Value);
        Assert.Equal(0x001800FFu, new QmpDescriptor(0x0018009F).WithTxAck(true).WithRxDone(true).Value);
        Assert.Equal(0x001800EFu, new QmpDescriptor(0x001800FF).WithTx(false).Value);
    }

    [Fact]
    public void ReservedBits_AreReportedNotLost()
    {
        var d = new QmpDescriptor(0x0000_0300);
        Assert.Equal(3, d.Reserved);
        Assert.Equal(0x0018_0300u, d.WithFragment(24, 0).Value);
    }

    [Fact]
    public void WithFragment_ChangesOnlyTheUpperHalf() =>
        Gen.Select(Gen.UInt, Gen.Byte, Gen.Byte).Sample((word, size, remaining) =>
        {
            QmpDescriptor d = new QmpDescriptor(word).WithFragment(size, remaining);
            return (d.Value & 0xFFFF) == (word & 0xFFFF) && d.FragmentSize == size && d.RemainingFragments == remaining;
        });

    [Fact]
    public void EveryBitSetter_IsItsOwnInverse() =>
        Gen.UInt.Sample(word =>
        {
            var d = new QmpDescriptor(word);
            return d.WithLinkState(d.LinkState).Value == word
                && d.WithTx(!d.Tx).WithTx(d.Tx).Value == word
                && d.WithRxDone(!d.RxDone).WithRxDone(d.RxDone).Value == word
                && d.WithTx(!d.Tx).Value == (word ^ QmpDescriptor.TxBit)
                && d.WithRxDone(!d.RxDone).Value == (word ^ QmpDescriptor.RxDoneBit);
        });

    [Fact]
    public void ToString_NamesTheFields() =>
        Assert.Equal("0x0018001F (link 1/1 ch 1/1 tx 1/0 rx_done 0/0 frag 24 rem 0)", new QmpDescriptor(0x0018001F).ToString());
}
