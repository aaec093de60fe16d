namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// The pure transition function: the fact sheet's golden words (qmp-rfc.md §8, expected values are the sheet's hex), and
/// the RFC's rules (§2, §3) checked over every state, role, flag and every combination of the eight control bits of
/// both words.
/// </summary>
public class QmpLinkStateMachineTests
{
    private const uint FragmentFields = 0xFFFF0000u;

    private static readonly QmpLinkState[] s_states = Enum.GetValues<QmpLinkState>();

    [Theory]
    // role, state, own, peer -> state, own, write (the §8 row in the comment)
    [InlineData(QmpRole.Local, QmpLinkState.LinkNegotiation, 0x00000001u, 0x00000003u, QmpLinkState.LocalConnecting, 0x00000007u, true)]   // rows 2-4
    [InlineData(QmpRole.Remote, QmpLinkState.LinkNegotiation, 0x00000000u, 0x00000001u, QmpLinkState.LinkConnected, 0x00000003u, true)]    // row 2
    [InlineData(QmpRole.Remote, QmpLinkState.LinkConnected, 0x00000003u, 0x00000007u, QmpLinkState.LocalConnecting, 0x0000000Fu, true)]    // row 5
    [InlineData(QmpRole.Local, QmpLinkState.LocalConnecting, 0x00000007u, 0x0000000Fu, QmpLinkState.ChannelConnected, 0x0000000Fu, true)]  // row 6
    [InlineData(QmpRole.Remote, QmpLinkState.LocalConnecting, 0x0000000Fu, 0x0000000Fu, QmpLinkState.ChannelConnected, 0x0000000Fu, false)] // row 6 seen by R
    [InlineData(QmpRole.Local, QmpLinkState.ChannelConnected, 0x001800FFu, 0x00000000u, QmpLinkState.LinkNegotiation, 0x001800FDu, true)]  // R link down
    [InlineData(QmpRole.Local, QmpLinkState.ChannelConnected, 0x001800FFu, 0x001800FBu, QmpLinkState.LocalConnecting, 0x001800F7u, true)]  // R channel down
    [InlineData(QmpRole.Local, QmpLinkState.LocalConnecting, 0x001800F7u, 0x001800FFu, QmpLinkState.ChannelConnected, 0x001800FFu, true)]  // R reopens
    [InlineData(QmpRole.Local, QmpLinkState.ChannelConnected, 0x001800FFu, 0x001800FFu, QmpLinkState.ChannelConnected, 0x001800FFu, false)] // row 12: nothing to do
    public void Next_GoldenWords_AsTheFactSheet(QmpRole role, QmpLinkState state, uint own, uint peer, QmpLinkState expectedState, uint expectedOwn, bool expectedWrite)
    {
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(state, role, false, false, false, new(own), new(peer)));

        Assert.Equal((expectedState, expectedOwn, expectedWrite), (next.State, next.Own.Value, next.Write));
    }

    [Fact]
    public void Next_OurFragmentTakenAndConsumed_AcksInRamOnly()
    {
        // Rows 7-9: L sent 0x0018001F; R took it and consumed it (0x6F). L's rx_done_ack is set in RAM (0x0018009F), not written.
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(QmpLinkState.ChannelConnected, QmpRole.Local, false, TxAwaitingAck: true, false, new(0x0018001F), new(0x0000006F)));

        Assert.Equal(0x0018009Fu, next.Own.Value);
        Assert.False(next.Write);
        Assert.Equal(QmpLinkEvents.FragmentTaken | QmpLinkEvents.PeerRxDone, next.Events);
    }

    [Fact]
    public void Next_PeerResponseFragment_AckedAtOnce()
    {
        // Row 10: R's response (0x0018007F). L acks the fragment at once (tx_ack, 0x001800BF); rx_done follows after consumption.
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(QmpLinkState.ChannelConnected, QmpRole.Local, false, false, false, new(0x0018009F), new(0x0018007F)));

        Assert.Equal(0x001800BFu, next.Own.Value);
        Assert.True(next.Write);
        Assert.Equal(QmpLinkEvents.FragmentArrived, next.Events);
    }

    [Fact]
    public void Next_CloseAcknowledged_ClearsChannelFieldsInRamOnly()
    {
        // Local close wrote 0x001800FB; once R clears its ch_state_ack, L's RAM becomes 0x00000003 and nothing is written.
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(QmpLinkState.LocalDisconnecting, QmpRole.Local, Closing: true, false, false, new(0x001800FB), new(0x001800F7)));

        Assert.Equal((QmpLinkState.LinkConnected, 0x00000003u, false, QmpLinkEvents.CloseAcknowledged), (next.State, next.Own.Value, next.Write, next.Events));
    }

    [Fact]
    public void Next_LinkBackWhileClosing_DoesNotReopen()
    {
        QmpLinkTransition next = QmpLinkStateMachine.Next(new QmpLinkInput(QmpLinkState.LinkNegotiation, QmpRole.Local, Closing: true, false, false, new(0x001800FD), new(0x00000003)));

        Assert.Equal((QmpLinkState.LinkConnected, 0x00000003u), (next.State, next.Own.Value));
    }

    [Fact]
    public void Next_EveryStateAndControlBitCombination_FollowsTheRfcRules()
    {
        int checkedCases = 0;
        foreach (QmpLinkState state in s_states)
        {
            foreach (QmpRole role in (QmpRole[])[QmpRole.Local, QmpRole.Remote])
            {
                for (int flags = 0; flags < 8; flags++)
                {
                    for (uint ownBits = 0; ownBits < 256; ownBits++)
                    {
                        for (uint peerBits = 0; peerBits < 256; peerBits++)
                        {
                            // The fragment fields vary too, so a rule that touched them would show.
                            var input = new QmpLinkInput(
                                state, role, Closing: (flags & 1) != 0, TxAwaitingAck: (flags & 2) != 0, RxReady: (flags & 4) != 0,
                                new QmpDescriptor(ownBits | (ownBits << 16)), new QmpDescriptor(peerBits | 0x02180000u));
                            string? broken = BrokenRule(input, QmpLinkStateMachine.Next(input));
                            Assert.True(broken is null, $"{broken}: {input}");
                            checkedCases++;
                        }
                    }
                }
            }
        }

        Assert.Equal(6 * 2 * 8 * 256 * 256, checkedCases);
    }

    /// <summary>The rules of qmp-rfc.md §2/§3 (and our documented deviations) one transition must keep; null when it keeps them all.</summary>
    internal static string? BrokenRule(in QmpLinkInput input, QmpLinkTransition next)
    {
        QmpDescriptor own = input.Own, peer = input.Peer, word = next.Own;
        bool channelReset = word.Value == (own.Value & 0x3u) || (word.Value & ~0x7u) == 0; // a reset clears the channel fields

        // §2: acks are copies of the peer's bit, never flips; a reset may clear them.
        if (word.LinkStateAck != own.LinkStateAck && word.LinkStateAck != peer.LinkState)
        {
            return "link_state_ack changed to something other than the peer's link_state";
        }

        if (word.ChannelStateAck != own.ChannelStateAck && word.ChannelStateAck && !peer.ChannelState)
        {
            return "ch_state_ack set though the peer's channel is down";
        }

        if (word.TxAck != own.TxAck && word.TxAck != peer.Tx && !(channelReset && !word.TxAck))
        {
            return "tx_ack is neither a copy of the peer's tx nor cleared by a reset";
        }

        if (word.RxDoneAck != own.RxDoneAck && word.RxDoneAck != peer.RxDone && !(channelReset && !word.RxDoneAck))
        {
            return "rx_done_ack is neither a copy of the peer's rx_done nor cleared by a reset";
        }

        // Our toggles are flipped only by the sender and the consumer, never by the state machine; a reset clears them.
        if ((word.Tx != own.Tx || word.RxDone != own.RxDone) && !(channelReset && !word.Tx && !word.RxDone))
        {
            return "the state machine flipped one of our toggles";
        }

        // The fragment fields belong to the sender; the state machine only clears them in a reset.
        if ((word.Value & FragmentFields) != (own.Value & FragmentFields) && (word.Value & FragmentFields) != 0)
        {
            return "the fragment fields changed";
        }

        // Our link level is raised at link-up only (start and dispose are commands, not transitions).
        if (word.LinkState != own.LinkState && !(word.LinkState && input.State == QmpLinkState.LinkNegotiation))
        {
            return "link_state changed outside link-up";
        }

        // A stopped link ignores everything.
        if (input.State == QmpLinkState.LinkDisconnected && (next.State != input.State || word != own || next.Write || next.Events != QmpLinkEvents.None))
        {
            return "a stopped link reacted";
        }

        // §3 step 1: the peer's link down is checked first, from LINK_CONNECTED on: negotiation, link ack cleared, written.
        if (input.State >= QmpLinkState.LinkConnected && !peer.LinkState)
        {
            return next.State == QmpLinkState.LinkNegotiation && word == own.WithLinkStateAck(false) && next.Write && next.Events == QmpLinkEvents.PeerLinkDown
                ? null
                : "the peer's link down was not handled first";
        }

        // Negotiation needs the peer's link level.
        if (input.State == QmpLinkState.LinkNegotiation && !peer.LinkState && (next.State != input.State || word != own || next.Write))
        {
            return "negotiation moved without the peer's link level";
        }

        // Our deviation (docs/qmp-link.md): the channel opens only with the peer's level and its ack of ours.
        if (next.State == QmpLinkState.ChannelConnected)
        {
            // Staying open needs the peer's level (§3 CHANNEL_CONNECTED a); opening needs its ack of ours too.
            if (!peer.LinkState || !peer.ChannelState || (input.State != QmpLinkState.ChannelConnected && !peer.ChannelStateAck))
            {
                return "the channel is open without the peer's channel level and ack";
            }

            // The remote side acked the peer's level when it opened; the local side acks it in the write that connects.
            bool acked = word.ChannelStateAck || input.Role == QmpRole.Remote;
            if (input.State != QmpLinkState.ChannelConnected && (!acked || word.LinkState != own.LinkState || word.ChannelState != own.ChannelState))
            {
                return "the channel opened without acking the peer's level, or changed our levels";
            }
        }

        if ((next.Events & QmpLinkEvents.ChannelConnected) != 0 && input.State == QmpLinkState.ChannelConnected)
        {
            return "an open channel was opened again";
        }

        // Connected data path: exactly the toggles that differ are handled.
        bool connectedPath = next.State == QmpLinkState.ChannelConnected;
        bool taken = (next.Events & QmpLinkEvents.FragmentTaken) != 0;
        bool rxDone = (next.Events & QmpLinkEvents.PeerRxDone) != 0;
        bool arrived = (next.Events & QmpLinkEvents.FragmentArrived) != 0;
        if ((taken || rxDone || arrived) && !connectedPath)
        {
            return "data events outside the open channel";
        }

        // (The local side's open takes the peer's toggles as its baseline and handles no data in the same pass.)
        bool dataPass = input.State == QmpLinkState.ChannelConnected || (input.State == QmpLinkState.LocalConnecting && input.Role == QmpRole.Remote);
        if (connectedPath && dataPass)
        {
            if (taken != (input.TxAwaitingAck && peer.TxAck == own.Tx))
            {
                return "tx_ack handled wrongly";
            }

            if (rxDone != (peer.RxDone != own.RxDoneAck) || word.RxDoneAck != peer.RxDone)
            {
                return "rx_done handled wrongly";
            }

            if (arrived != (peer.Tx != own.TxAck && !input.RxReady) || (arrived && word.TxAck != peer.Tx))
            {
                return "a new fragment handled wrongly";
            }
        }

        // A word that is not written differs only by a lazy ack (rx_done_ack) or the close completing in RAM (as the RFC).
        if (!next.Write && word != own)
        {
            bool lazyAck = (word.Value ^ own.Value) == QmpDescriptor.RxDoneAckBit;
            bool closeDone = next.Events == QmpLinkEvents.CloseAcknowledged && word.Value == (own.Value & 0x3u);
            if (!lazyAck && !closeDone)
            {
                return "the word changed but is not written";
            }
        }

        return null;
    }
}
