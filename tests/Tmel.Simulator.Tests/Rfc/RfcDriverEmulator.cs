using System.Buffers.Binary;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Rfc;

/// <summary>
/// The Linux RFC driver (qcom-tmel-qmp, V4) as the fact sheet describes it (qmp-rfc.md §3, §3.1–3.4, §4, §5.3–5.4),
/// written against the raw mailbox: no QmpLink, no rpmsg. It keeps a RAM copy of its own (mcore) word that reaches the
/// window only when it writes and rings; every interrupt re-reads the peer's (ucore) word and runs the whole state machine,
/// with the RFC's lazy acks and its quirks (any interrupt opens a connecting channel, each fragment is a whole message, the
/// reserved word is never written). Single-threaded: the test pumps interrupts.
/// </summary>
internal sealed class RfcDriverEmulator
{
    // §2, LSB first.
    public const uint LinkState = 1u << 0;
    public const uint LinkStateAck = 1u << 1;
    public const uint ChState = 1u << 2;
    public const uint ChStateAck = 1u << 3;
    public const uint Tx = 1u << 4;
    public const uint TxAck = 1u << 5;
    public const uint RxDone = 1u << 6;
    public const uint RxDoneAck = 1u << 7;
    private const int MaxPacketSize = 24;

    private readonly IQmpMailbox _mailbox;
    private readonly byte[] _mcore = new byte[QmpMailboxLayout.MailboxSize];
    private readonly byte[] _ucore = new byte[QmpMailboxLayout.MailboxSize];

    public RfcDriverEmulator(IQmpMailbox mailbox) => _mailbox = mailbox;

    public enum LocalState
    {
        LinkDisconnected,
        LinkNegotiation,
        LinkConnected,
        LocalConnecting,
        ChannelConnected,
        LocalDisconnecting,
    }

    public LocalState State { get; private set; }

    /// <summary>Gets the RAM copy of the mcore word (what the next write would put on the wire).</summary>
    public uint Word { get; private set; }

    /// <summary>Gets whether a sent packet still waits for the peer's rx_done (the RFC's <c>tx_sent</c>).</summary>
    public bool TxSent { get; private set; }

    /// <summary>Gets every word this side wrote to the window, in order.</summary>
    public List<uint> Writes { get; } = [];

    /// <summary>Gets every buffer handed to TMELCOM (one per tx toggle of the peer, <c>frag_size</c> bytes each).</summary>
    public List<byte[]> Received { get; } = [];

    /// <summary>§3.1 and §3.2: <c>startup</c>, link then channel (the link ack reaches the wire only with the channel open).</summary>
    public async Task StartupAsync(CancellationToken ct)
    {
        Word |= LinkState;
        State = LocalState.LinkNegotiation;
        WriteAndRing();
        await PumpUntilAsync(() => State == LocalState.LinkConnected, ct);
        Word |= ChState;
        State = LocalState.LocalConnecting;
        WriteAndRing();
        await PumpUntilAsync(() => State == LocalState.ChannelConnected, ct);
    }

    /// <summary>§3.3: <c>tmel_qmp_send_data</c>: one fragment, <c>frag_size</c> = length, <c>rem_frag_count</c> 0, tx flipped.</summary>
    public void Send(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > MaxPacketSize)
        {
            throw new ArgumentOutOfRangeException(nameof(packet), "-EINVAL");
        }

        if (TxSent)
        {
            throw new InvalidOperationException("-EAGAIN: a send is outstanding");
        }

        packet.CopyTo(_mcore.AsSpan(QmpMailboxLayout.PayloadOffset));
        Word = (Word & 0x0000_FFFF) | ((uint)packet.Length << 16);
        TxSent = true;
        Word ^= Tx;
        WriteAndRing();
    }

    /// <summary>One TMELCOM request: send, then take interrupts until the response is in and the peer's rx_done freed the channel.</summary>
    /// <returns>The 24-byte response (anything else is the RFC's -EPROTO).</returns>
    public async Task<byte[]> RequestAsync(byte[] packet, CancellationToken ct)
    {
        int before = Received.Count;
        Send(packet);
        await PumpUntilAsync(() => Received.Count > before && !TxSent, ct);
        byte[] response = Received[before];
        Assert.Equal(MaxPacketSize, response.Length);
        return response;
    }

    /// <summary>Takes one interrupt per doorbell until <paramref name="done"/> holds.</summary>
    public async Task PumpUntilAsync(Func<bool> done, CancellationToken ct)
    {
        while (!done())
        {
            await _mailbox.WaitForDoorbellAsync(ct);
            Interrupt();
        }
    }

    /// <summary>§3 <c>tmel_qmp_rx</c>, in the RFC's order, on one snapshot of the ucore word.</summary>
    private void Interrupt()
    {
        _mailbox.ReadPeer(_ucore);
        uint ucore = BinaryPrimitives.ReadUInt32LittleEndian(_ucore);

        // 1. Remote link down.
        if (State >= LocalState.LinkConnected && (ucore & LinkState) == 0)
        {
            State = LocalState.LinkNegotiation;
            Word &= ~LinkStateAck;
            WriteAndRing();
            return;
        }

        switch (State)
        {
            case LocalState.LinkNegotiation:
                if ((Word & LinkState) == 0 || (ucore & LinkState) == 0)
                {
                    return; // "error log, stay"
                }

                Word = LinkState | LinkStateAck; // every channel field cleared; no write here
                State = LocalState.LinkConnected;
                return;

            case LocalState.LocalConnecting:
                Word = (Word & ~ChStateAck) | ((ucore & ChState) != 0 ? ChStateAck : 0); // any interrupt opens
                State = LocalState.ChannelConnected;
                WriteAndRing();
                return;

            case LocalState.ChannelConnected:
                // a. Remote channel down, and carry on.
                if ((ucore & ChState) == 0)
                {
                    State = LocalState.LocalConnecting;
                    Word &= ~ChStateAck;
                    WriteAndRing();
                }

                // b. Tx done: the ack stays in RAM.
                if (TxSent && ((ucore & RxDone) != 0) != ((Word & RxDoneAck) != 0))
                {
                    Word = (Word & ~RxDoneAck) | ((ucore & RxDone) != 0 ? RxDoneAck : 0);
                    TxSent = false;
                }

                // c. Rx: every tx toggle is a whole message of frag_size bytes (rem_frag_count ignored).
                if (((ucore & Tx) != 0) != ((Word & TxAck) != 0))
                {
                    int size = (int)((ucore >> 16) & 0xFF);
                    if (size is 0 or > MaxPacketSize)
                    {
                        return; // "error log", left unacked
                    }

                    Received.Add(_ucore.AsSpan(QmpMailboxLayout.PayloadOffset, size).ToArray());
                    Word = (Word & ~TxAck) | ((ucore & Tx) != 0 ? TxAck : 0);
                    Word ^= RxDone;
                    WriteAndRing();
                }

                return;

            default:
                return; // LINK_CONNECTED ignores everything; LINK_DISCONNECTED is "state corrupted"
        }
    }

    private void WriteAndRing()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_mcore, Word);
        _mailbox.WriteOwn(_mcore);
        Writes.Add(Word);
        _mailbox.RingPeerDoorbell();
    }
}
