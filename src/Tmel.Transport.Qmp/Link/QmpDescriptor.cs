using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tmel.Transport.Qmp;

/// <summary>The 32-bit QMP channel descriptor at offset 0 of each mailbox (the RFC's <c>union qmp_channel_desc</c>).</summary>
/// <remarks>
/// <code>
///  bit  0      link_state       my link is up (level)
///  bit  1      link_state_ack   copy of the peer's link_state
///  bit  2      ch_state         my channel is open (level)
///  bit  3      ch_state_ack     copy of the peer's ch_state
///  bit  4      tx               flipped once per fragment I put in my mailbox (toggle)
///  bit  5      tx_ack           copy of the peer's tx once I took its fragment
///  bit  6      rx_done          flipped once per whole message I consumed (toggle)
///  bit  7      rx_done_ack      copy of the peer's rx_done
///  bits 8..15  reserved         0 (the RFC's unused read_int pair lived at 8 and 9)
///  bits 16..23 frag_size        payload bytes of the current fragment (1..24)
///  bits 24..31 rem_frag_count   fragments still to come after this one
/// </code>
/// The word is little-endian in the mailbox. A toggle is "new" when it differs from the peer's matching ack; an ack
/// is always a copy of the peer's bit, never a flip.
/// </remarks>
/// <param name="Value">The raw 32-bit word.</param>
public readonly record struct QmpDescriptor(uint Value)
{
    internal const uint LinkStateBit = 1u << 0;
    internal const uint LinkStateAckBit = 1u << 1;
    internal const uint ChannelStateBit = 1u << 2;
    internal const uint ChannelStateAckBit = 1u << 3;
    internal const uint TxBit = 1u << 4;
    internal const uint TxAckBit = 1u << 5;
    internal const uint RxDoneBit = 1u << 6;
    internal const uint RxDoneAckBit = 1u << 7;
    internal const uint ReservedMask = 0xFFu << 8;
    internal const int FragmentSizeShift = 16;
    internal const int RemainingFragmentsShift = 24;

    /// <summary>Gets a value indicating whether this side's link is up.</summary>
    public bool LinkState => Has(LinkStateBit);

    /// <summary>Gets this side's copy of the peer's <see cref="LinkState"/>.</summary>
    public bool LinkStateAck => Has(LinkStateAckBit);

    /// <summary>Gets a value indicating whether this side's channel is open.</summary>
    public bool ChannelState => Has(ChannelStateBit);

    /// <summary>Gets this side's copy of the peer's <see cref="ChannelState"/>.</summary>
    public bool ChannelStateAck => Has(ChannelStateAckBit);

    /// <summary>Gets the transmit toggle, flipped once per fragment.</summary>
    public bool Tx => Has(TxBit);

    /// <summary>Gets this side's copy of the peer's <see cref="Tx"/> after taking its fragment.</summary>
    public bool TxAck => Has(TxAckBit);

    /// <summary>Gets the receive-done toggle, flipped once per whole message consumed.</summary>
    public bool RxDone => Has(RxDoneBit);

    /// <summary>Gets this side's copy of the peer's <see cref="RxDone"/>.</summary>
    public bool RxDoneAck => Has(RxDoneAckBit);

    /// <summary>Gets the reserved bits 8..15 (0 from a conforming peer).</summary>
    public byte Reserved => (byte)((Value & ReservedMask) >> 8);

    /// <summary>Gets the payload size of the current fragment.</summary>
    public byte FragmentSize => (byte)(Value >> FragmentSizeShift);

    /// <summary>Gets the number of fragments still to come after this one.</summary>
    public byte RemainingFragments => (byte)(Value >> RemainingFragmentsShift);

    /// <summary>Returns a copy with <see cref="LinkState"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithLinkState(bool value) => With(LinkStateBit, value);

    /// <summary>Returns a copy with <see cref="LinkStateAck"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithLinkStateAck(bool value) => With(LinkStateAckBit, value);

    /// <summary>Returns a copy with <see cref="ChannelState"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithChannelState(bool value) => With(ChannelStateBit, value);

    /// <summary>Returns a copy with <see cref="ChannelStateAck"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithChannelStateAck(bool value) => With(ChannelStateAckBit, value);

    /// <summary>Returns a copy with <see cref="Tx"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithTx(bool value) => With(TxBit, value);

    /// <summary>Returns a copy with <see cref="TxAck"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithTxAck(bool value) => With(TxAckBit, value);

    /// <summary>Returns a copy with <see cref="RxDone"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithRxDone(bool value) => With(RxDoneBit, value);

    /// <summary>Returns a copy with <see cref="RxDoneAck"/> set or cleared.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithRxDoneAck(bool value) => With(RxDoneAckBit, value);

    /// <summary>Returns a copy with the fragment fields set.</summary>
    /// <param name="fragmentSize">Payload bytes of the fragment.</param>
    /// <param name="remainingFragments">Fragments still to come after this one.</param>
    /// <returns>The changed descriptor.</returns>
    public QmpDescriptor WithFragment(byte fragmentSize, byte remainingFragments) =>
        new((Value & 0x0000FFFFu) | ((uint)fragmentSize << FragmentSizeShift) | ((uint)remainingFragments << RemainingFragmentsShift));

    /// <summary>Returns the word in hex and its fields by name, for traces and logs.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"0x{Value:X8} (link {Bit(LinkState)}/{Bit(LinkStateAck)} ch {Bit(ChannelState)}/{Bit(ChannelStateAck)} tx {Bit(Tx)}/{Bit(TxAck)} rx_done {Bit(RxDone)}/{Bit(RxDoneAck)} frag {FragmentSize} rem {RemainingFragments})");

    private static char Bit(bool value) => value ? '1' : '0';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Has(uint bit) => (Value & bit) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QmpDescriptor With(uint bit, bool value) => new(value ? Value | bit : Value & ~bit);
}
