using System.Runtime.CompilerServices;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The QMP state machine as pure functions: from (state, own word, peer word) to (new state, word to write, events).
/// No I/O, no clock, no locks; <see cref="QmpLink"/> reads the peer's word, calls <see cref="Next"/> and acts on the result.
/// </summary>
/// <remarks>
/// The order of the checks is the RFC's <c>tmel_qmp_rx</c> (qmp-rfc.md §3): the peer's link level first, then one case per
/// state. Where we deliberately differ from the RFC driver (docs/qmp-link.md) the wire values are still the RFC's.
/// </remarks>
internal static class QmpLinkStateMachine
{
    /// <summary>Runs the state machine once on a fresh read of the peer's word.</summary>
    /// <param name="input">The state, the own word and the peer's word.</param>
    /// <returns>The new state and word, whether to write it, and what happened.</returns>
    public static QmpLinkTransition Next(in QmpLinkInput input)
    {
        // The steady state first, on its own: connected, the peer's link up (so the first check below cannot fire), and the
        // rest out of line. Every fragment and every rx_done takes this path; a small frame keeps it cheap.
        return input.State == QmpLinkState.ChannelConnected && input.Peer.LinkState ? Connected(input, input.Own) : NextOutsideSteadyState(input);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static QmpLinkTransition NextOutsideSteadyState(in QmpLinkInput input)
    {
        QmpLinkState state = input.State;
        QmpDescriptor own = input.Own;
        QmpDescriptor peer = input.Peer;
        bool local = input.Role == QmpRole.Local;

        // Remote link down (the RFC's first check): back to negotiation, link ack cleared, everything in flight ends.
        if (state >= QmpLinkState.LinkConnected && !peer.LinkState)
        {
            return new(QmpLinkState.LinkNegotiation, own.WithLinkStateAck(false), Write: true, QmpLinkEvents.PeerLinkDown);
        }

        switch (state)
        {
            case QmpLinkState.LinkNegotiation when peer.LinkState:
                {
                    // Link up: clear every channel field, ack the peer's level. The local side opens the channel in the same
                    // write (the RFC writes the ack only with its later channel open; the wire value is the same). A link that
                    // is closing for shutdown does not reopen its channel.
                    bool open = local && !input.Closing;
                    QmpDescriptor word = default(QmpDescriptor).WithLinkState(true).WithLinkStateAck(true).WithChannelState(open);
                    return new(open ? QmpLinkState.LocalConnecting : QmpLinkState.LinkConnected, word, Write: true, QmpLinkEvents.LinkUp);
                }

            case QmpLinkState.LocalDisconnecting when input.Closing && !peer.ChannelStateAck:
                // The peer acknowledged our close. As the RFC (which finishes on the next interrupt, unchecked): clear every
                // channel field, keep the link bits, no write (from 0x001800FF the word becomes 0x00000003 in RAM only).
                return new(
                    QmpLinkState.LinkConnected,
                    default(QmpDescriptor).WithLinkState(own.LinkState).WithLinkStateAck(own.LinkStateAck),
                    Write: false,
                    QmpLinkEvents.CloseAcknowledged);

            case QmpLinkState.LocalDisconnecting when !peer.ChannelStateAck:
                // The peer saw our channel reset (it cleared its ack of our level): reopen. Its next open is a fresh start.
                return new(local ? QmpLinkState.LocalConnecting : QmpLinkState.LinkConnected, own.WithChannelState(local), Write: true, QmpLinkEvents.None);

            case QmpLinkState.LinkConnected when !local && peer.ChannelState && peer.LinkStateAck && !peer.ChannelStateAck:
                // The local side opened its channel (and acknowledged that ours was closed): open ours and ack theirs;
                // toggles seen so far are history.
                return new(
                    QmpLinkState.LocalConnecting,
                    own.WithChannelState(true).WithChannelStateAck(true).WithTxAck(peer.Tx).WithRxDoneAck(peer.RxDone),
                    Write: true,
                    QmpLinkEvents.None);

            case QmpLinkState.LocalConnecting when local && peer.ChannelState && peer.ChannelStateAck && peer.LinkStateAck:
                // Unlike the RFC (any interrupt opens), wait for the peer's level and its ack of ours, from a peer whose link is
                // up with ours: a peer back in negotiation (its link ack cleared) still shows the channel bits of the channel
                // it had, which say nothing about this one.
                return new(
                    QmpLinkState.ChannelConnected,
                    own.WithChannelStateAck(true).WithTxAck(peer.Tx).WithRxDoneAck(peer.RxDone),
                    Write: true,
                    QmpLinkEvents.ChannelConnected);

            case QmpLinkState.LocalConnecting when !local && !peer.ChannelState:
                return new(QmpLinkState.LinkConnected, own.WithChannelState(false).WithChannelStateAck(false), Write: true, QmpLinkEvents.None);

            case QmpLinkState.LocalConnecting when !local && peer.ChannelStateAck:
                {
                    QmpLinkTransition connected = Connected(input, own);
                    return connected with { State = QmpLinkState.ChannelConnected, Events = connected.Events | QmpLinkEvents.ChannelConnected };
                }

            case QmpLinkState.ChannelConnected:
                return Connected(input, own);

            default:
                return new(state, own, Write: false, QmpLinkEvents.None);
        }
    }

    /// <summary>The connected state: the peer's channel level, then our fragment taken, our message consumed, a new fragment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static QmpLinkTransition Connected(in QmpLinkInput input, QmpDescriptor own)
    {
        QmpDescriptor peer = input.Peer;
        if (!peer.ChannelState)
        {
            // Remote channel down. The local side keeps its level and clears its ack (the RFC's values), so the channel
            // reopens as soon as the peer raises its level again; the remote side closes and waits for the local side.
            return input.Role == QmpRole.Local
                ? new(QmpLinkState.LocalConnecting, own.WithChannelStateAck(false), Write: true, QmpLinkEvents.PeerChannelDown)
                : new(QmpLinkState.LinkConnected, own.WithChannelState(false).WithChannelStateAck(false), Write: true, QmpLinkEvents.PeerChannelDown);
        }

        QmpLinkEvents events = QmpLinkEvents.None;
        bool write = false;
        if (input.TxAwaitingAck && peer.TxAck == own.Tx)
        {
            events |= QmpLinkEvents.FragmentTaken;
        }

        // The ack of rx_done is lazy, as in the RFC: it rides with the next write; nobody waits for it.
        if (peer.RxDone != own.RxDoneAck)
        {
            own = own.WithRxDoneAck(peer.RxDone);
            events |= QmpLinkEvents.PeerRxDone;
        }

        // A new fragment (unless a whole message still waits to be consumed: a conforming peer does not send before our
        // rx_done). Every fragment is acked as soon as it is taken; rx_done follows once the message was consumed.
        if (peer.Tx != own.TxAck && !input.RxReady)
        {
            own = own.WithTxAck(peer.Tx);
            events |= QmpLinkEvents.FragmentArrived;
            write = true;
        }

        return new(QmpLinkState.ChannelConnected, own, write, events);
    }
}
