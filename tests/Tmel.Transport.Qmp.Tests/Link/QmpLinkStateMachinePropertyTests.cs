using CsCheck;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>
/// A model of two sides driven only by the pure transition function: each side sees the peer's last written word, never
/// its RAM image. Any interleaving of interrupts, sends and consumptions must keep the RFC's rules on every step, bring
/// both channels up, and carry every message exactly once in each direction.
/// </summary>
public class QmpLinkStateMachinePropertyTests
{
    private const int Actions = 6;

    [Fact]
    public void Next_TwoSidesAnyInterleaving_ConnectAndCarryEveryMessageOnce()
    {
        Gen.Int[0, Actions - 1].Array[0, 300].Sample(
            actions =>
            {
                var local = new Side(QmpRole.Local);
                var remote = new Side(QmpRole.Remote);
                remote.Start();
                local.Start();
                foreach (int action in actions)
                {
                    switch (action)
                    {
                        case 0: local.Process(remote); break;
                        case 1: remote.Process(local); break;
                        case 2: local.Send(); break;
                        case 3: remote.Send(); break;
                        case 4: local.Consume(); break;
                        default: remote.Consume(); break;
                    }

                    Assert.Null(local.Broken ?? remote.Broken);
                    AssertExactlyOnce(local, remote);
                    AssertExactlyOnce(remote, local);
                }

                // Then every interrupt is delivered and every message consumed, round by round.
                for (int round = 0; round < 8; round++)
                {
                    local.Process(remote);
                    remote.Process(local);
                    local.Consume();
                    remote.Consume();
                }

                Assert.Null(local.Broken ?? remote.Broken);
                Assert.Equal((QmpLinkState.ChannelConnected, QmpLinkState.ChannelConnected), (local.State, remote.State));
                Assert.Equal((local.Sent, local.Sent, local.Sent), (local.Taken, local.Confirmed, remote.Consumed));
                Assert.Equal((remote.Sent, remote.Sent, remote.Sent), (remote.Taken, remote.Confirmed, local.Consumed));

                // Quiescent: with nothing new on the wire, nobody writes again.
                Assert.False(local.Process(remote) || remote.Process(local));
            },
            iter: 1500);
    }

    /// <summary>A message arrives at most once, is seen taken only after it arrived, and is confirmed only after it was consumed.</summary>
    private static void AssertExactlyOnce(Side sender, Side receiver)
    {
        Assert.InRange(sender.Sent - receiver.Arrived, 0, 1);
        Assert.InRange(receiver.Arrived - sender.Taken, 0, 1);
        Assert.InRange(sender.Confirmed, 0, receiver.Consumed);
        Assert.InRange(receiver.Consumed, 0, receiver.Arrived);
    }

    private sealed class Side(QmpRole role)
    {
        private QmpDescriptor _ram;
        private bool _txAwaitingAck;
        private bool _txOutstanding;
        private bool _rxReady;

        public QmpLinkState State { get; private set; }

        public QmpDescriptor Published { get; private set; }

        public int Sent { get; private set; }

        public int Taken { get; private set; }

        public int Confirmed { get; private set; }

        public int Arrived { get; private set; }

        public int Consumed { get; private set; }

        public string? Broken { get; private set; }

        public void Start()
        {
            State = QmpLinkState.LinkNegotiation;
            if (role == QmpRole.Local)
            {
                _ram = _ram.WithLinkState(true);
                Published = _ram;
            }
        }

        /// <summary>One interrupt: read the peer's written word and run the state machine. Returns whether the word was written.</summary>
        public bool Process(Side peer)
        {
            var input = new QmpLinkInput(State, role, false, _txAwaitingAck, _rxReady, _ram, peer.Published);
            QmpLinkTransition next = QmpLinkStateMachine.Next(input);
            Broken ??= QmpLinkStateMachineTests.BrokenRule(input, next);
            if ((next.Events & (QmpLinkEvents.PeerLinkDown | QmpLinkEvents.PeerChannelDown)) != 0)
            {
                Broken ??= $"a reset nobody caused: {input}";
            }

            State = next.State;
            _ram = next.Own;
            if ((next.Events & QmpLinkEvents.FragmentTaken) != 0)
            {
                _txAwaitingAck = false;
                Taken++;
            }

            if ((next.Events & QmpLinkEvents.PeerRxDone) != 0)
            {
                if (_txOutstanding && !_txAwaitingAck)
                {
                    _txOutstanding = false;
                    Confirmed++;
                }
                else
                {
                    Broken ??= $"rx_done with no message of ours outstanding: {input}";
                }
            }

            if ((next.Events & QmpLinkEvents.FragmentArrived) != 0)
            {
                _rxReady = true;
                Arrived++;
            }

            if (next.Write)
            {
                Published = _ram;
            }

            return next.Write;
        }

        /// <summary>Sends one single-fragment message when the channel is open and nothing is outstanding.</summary>
        public void Send()
        {
            if (State != QmpLinkState.ChannelConnected || _txOutstanding)
            {
                return;
            }

            _ram = _ram.WithTx(!_ram.Tx).WithFragment(24, 0);
            Published = _ram;
            _txAwaitingAck = true;
            _txOutstanding = true;
            Sent++;
        }

        /// <summary>Consumes the message taken, if any, and flips rx_done.</summary>
        public void Consume()
        {
            if (!_rxReady)
            {
                return;
            }

            _rxReady = false;
            Consumed++;
            _ram = _ram.WithRxDone(!_ram.RxDone);
            Published = _ram;
        }
    }
}
