using System.Buffers;
using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>The 24-byte TMELCOM IPC packet (the RFC's <c>struct tmel_ipc_pkt</c>), one per request and one per reply.</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       1     bit 0      ipc_type     0 = inline (IPC_MBOX_ONLY), 1 = SRAM (IPC_MBOX_SRAM)
///                bits 1..7  msg_len      inline: message bytes in param[] (0..20); SRAM: always 8
///                           (so byte 0 = msg_len &lt;&lt; 1 | ipc_type)
///  1       1     msg_type     UID bits 15..8
///  2       1     action_id    UID bits 7..0
///  3       1     response     s8: 0 from the requester; in the reply, 0 or a TMEL_ERROR_* code
///  4       20    inline:  param[5]       5 × u32 LE: the message, zero-padded past msg_len
///                SRAM:    payload_ptr    u32 LE: bus address of the message in shared memory
///                         payload_len    u32 LE: its length, at most 168
///                         (12 bytes)     zero
///  total   24
/// </code>
/// <para>
/// The 24 bytes fill one QMP fragment exactly. A request of at most 20 bytes travels inline and the reply comes back
/// in the same place; a longer one (up to 168 bytes) lies in shared memory, where TME-L writes the reply in place, and
/// the reply packet repeats the pointer form. See <see cref="SelectIpcType(int)"/>.
/// </para>
/// <para>
/// <see cref="Decode(ReadOnlySpan{byte})"/> accepts exactly what <see cref="Encode(TmelcomPacket, Span{byte})"/> can
/// produce, so decoding and re-encoding gives back the same 24 bytes. Inline bytes past <c>msg_len</c> are kept (they are
/// part of <c>param[5]</c>); the 12 bytes after an SRAM pointer are no field and must be zero.
/// </para>
/// </remarks>
public readonly record struct TmelcomPacket
{
    /// <summary>The packet's size in bytes.</summary>
    public const int Size = 24;

    /// <summary>The header's size in bytes (ipc_type/msg_len, msg_type, action_id, response).</summary>
    public const int HeaderSize = 4;

    /// <summary>The largest message that travels inline: five u32 parameters (the RFC's <c>MBOX_IPC_MAX_PARAMS</c>).</summary>
    public const int MaxInlineLength = 20;

    /// <summary>The <c>msg_len</c> of every SRAM packet: the size of the pointer and the length.</summary>
    public const int SramMessageLength = 8;

    /// <summary>The largest message that travels through shared memory (the RFC's <c>SRAM_IPC_MAX_BUF_SIZE</c> = 42 × 4).</summary>
    public const int MaxSramLength = 168;

    private readonly uint _p0;
    private readonly uint _p1;
    private readonly uint _p2;
    private readonly uint _p3;
    private readonly uint _p4;

    private TmelcomPacket(TmelcomIpcType ipcType, byte messageLength, ushort uid, sbyte response, uint p0, uint p1, uint p2, uint p3, uint p4)
    {
        IpcType = ipcType;
        MessageLength = messageLength;
        MessageType = (byte)(uid >> 8);
        ActionId = (byte)uid;
        Response = response;
        _p0 = p0;
        _p1 = p1;
        _p2 = p2;
        _p3 = p3;
        _p4 = p4;
    }

    /// <summary>Gets how the packet carries its message: inline or through shared memory.</summary>
    public TmelcomIpcType IpcType { get; }

    /// <summary>Gets <c>msg_len</c>: the inline message's length (0..20), or <see cref="SramMessageLength"/> for an SRAM packet.</summary>
    public byte MessageLength { get; }

    /// <summary>Gets <c>msg_type</c>, the service group (UID bits 15..8).</summary>
    public byte MessageType { get; }

    /// <summary>Gets <c>action_id</c>, the action inside the group (UID bits 7..0).</summary>
    public byte ActionId { get; }

    /// <summary>Gets the <c>response</c> byte: 0 in a request; in a reply 0 when TME-L carried out the request, else a <c>TMEL_ERROR_*</c> code.</summary>
    public sbyte Response { get; }

    /// <summary>Gets the request's UID, <c>msg_type &lt;&lt; 8 | action_id</c> (see <see cref="TmelcomUid"/>).</summary>
    public ushort Uid => TmelcomUid.Create(MessageType, ActionId);

    /// <summary>Gets <c>payload_ptr</c>, the bus address of the message in shared memory.</summary>
    /// <exception cref="InvalidOperationException">The packet is not an <see cref="TmelcomIpcType.Sram"/> packet.</exception>
    public uint PayloadAddress
    {
        get
        {
            RequireForm(TmelcomIpcType.Sram);
            return _p0;
        }
    }

    /// <summary>Gets <c>payload_len</c>, the length of the message in shared memory (at most <see cref="MaxSramLength"/>).</summary>
    /// <exception cref="InvalidOperationException">The packet is not an <see cref="TmelcomIpcType.Sram"/> packet.</exception>
    public uint PayloadLength
    {
        get
        {
            RequireForm(TmelcomIpcType.Sram);
            return _p1;
        }
    }

    /// <summary>Chooses the path for a message of a given size, as the RFC's <c>tmel_prepare_msg</c> does.</summary>
    /// <param name="messageLength">The message's size in bytes.</param>
    /// <returns><see cref="TmelcomIpcType.MailboxOnly"/> up to 20 bytes, <see cref="TmelcomIpcType.Sram"/> up to 168.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="messageLength"/> is negative or above <see cref="MaxSramLength"/>.</exception>
    public static TmelcomIpcType SelectIpcType(int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(messageLength, MaxSramLength);
        return messageLength <= MaxInlineLength ? TmelcomIpcType.MailboxOnly : TmelcomIpcType.Sram;
    }

    /// <summary>Creates an inline packet: the message travels in <c>param[5]</c>, zero-padded.</summary>
    /// <param name="uid">The request's UID.</param>
    /// <param name="message">The message, at most 20 bytes; <c>msg_len</c> becomes its length.</param>
    /// <param name="response">The <c>response</c> byte: 0 for a request, TME-L's result for a reply.</param>
    /// <returns>The packet.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="message"/> is longer than <see cref="MaxInlineLength"/>.</exception>
    public static TmelcomPacket CreateInline(ushort uid, ReadOnlySpan<byte> message, sbyte response = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, MaxInlineLength, nameof(message));
        Span<byte> parameters = stackalloc byte[MaxInlineLength];
        parameters.Clear();
        message.CopyTo(parameters);
        return FromParameters(TmelcomIpcType.MailboxOnly, (byte)message.Length, uid, response, parameters);
    }

    /// <summary>Creates an SRAM packet: the message lies in shared memory, the packet carries its address and length.</summary>
    /// <param name="uid">The request's UID.</param>
    /// <param name="payloadAddress">The message's bus address (<c>payload_ptr</c>).</param>
    /// <param name="payloadLength">The message's length (<c>payload_len</c>), at most 168.</param>
    /// <param name="response">The <c>response</c> byte: 0 for a request, TME-L's result for a reply.</param>
    /// <returns>The packet; its <c>msg_len</c> is <see cref="SramMessageLength"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is above <see cref="MaxSramLength"/>.</exception>
    public static TmelcomPacket CreateSram(ushort uid, uint payloadAddress, uint payloadLength, sbyte response = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, (uint)MaxSramLength);
        return new(TmelcomIpcType.Sram, SramMessageLength, uid, response, payloadAddress, payloadLength, 0, 0, 0);
    }

    /// <summary>Writes the 24 bytes of a packet.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="destination">Where to write; at least <see cref="Size"/> bytes.</param>
    /// <returns><see cref="Size"/>, the number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    public static int Encode(TmelcomPacket packet, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        destination[0] = (byte)((packet.MessageLength << 1) | (byte)packet.IpcType);
        destination[1] = packet.MessageType;
        destination[2] = packet.ActionId;
        destination[3] = (byte)packet.Response;
        packet.WriteParameters(destination[HeaderSize..]);
        return Size;
    }

    /// <summary>Writes the 24 bytes of a packet to a buffer writer.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="writer">The writer; advanced by <see cref="Size"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public static void Encode(TmelcomPacket packet, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Advance(Encode(packet, writer.GetSpan(Size)));
    }

    /// <summary>Reads a packet from exactly 24 bytes.</summary>
    /// <param name="source">The packet's bytes.</param>
    /// <returns>The packet.</returns>
    /// <exception cref="RpmsgProtocolException">
    /// <paramref name="source"/> is not 24 bytes long; an inline packet's <c>msg_len</c> is above 20; an SRAM packet's
    /// <c>msg_len</c> is not 8, its <c>payload_len</c> is above 168, or its last 12 bytes are not zero.
    /// </exception>
    public static TmelcomPacket Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length != Size)
        {
            TmelcomThrowHelper.ThrowWrongLength("TMELCOM packet", source.Length, Size);
        }

        var ipcType = (TmelcomIpcType)(source[0] & 1);
        byte messageLength = (byte)(source[0] >> 1);
        ushort uid = TmelcomUid.Create(source[1], source[2]);
        var response = (sbyte)source[3];
        TmelcomPacket packet = FromParameters(ipcType, messageLength, uid, response, source[HeaderSize..]);

        if (ipcType == TmelcomIpcType.MailboxOnly)
        {
            if (messageLength > MaxInlineLength)
            {
                TmelcomThrowHelper.ThrowMalformed("TMELCOM packet", $"inline msg_len {messageLength} is above {MaxInlineLength}");
            }
        }
        else if (messageLength != SramMessageLength)
        {
            TmelcomThrowHelper.ThrowMalformed("TMELCOM packet", $"SRAM msg_len is {messageLength}, not {SramMessageLength}");
        }
        else if (packet._p1 > MaxSramLength)
        {
            TmelcomThrowHelper.ThrowMalformed("TMELCOM packet", $"SRAM payload_len {packet._p1} is above {MaxSramLength}");
        }
        else if ((packet._p2 | packet._p3 | packet._p4) != 0)
        {
            TmelcomThrowHelper.ThrowMalformed("TMELCOM packet", "the 12 bytes after an SRAM pointer are not zero");
        }

        return packet;
    }

    /// <summary>Copies an inline packet's message (its first <c>msg_len</c> bytes of <c>param[5]</c>).</summary>
    /// <param name="destination">Where to copy; at least <see cref="MessageLength"/> bytes.</param>
    /// <returns>The number of bytes copied, <see cref="MessageLength"/>.</returns>
    /// <exception cref="InvalidOperationException">The packet is not a <see cref="TmelcomIpcType.MailboxOnly"/> packet.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="MessageLength"/>.</exception>
    public int CopyInlineMessageTo(Span<byte> destination)
    {
        RequireForm(TmelcomIpcType.MailboxOnly);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageLength, nameof(destination));
        Span<byte> parameters = stackalloc byte[MaxInlineLength];
        WriteParameters(parameters);
        parameters[..MessageLength].CopyTo(destination);
        return MessageLength;
    }

    /// <summary>Returns a copy with another <c>response</c> byte: how TME-L answers an SRAM request, whose reply lies in shared memory.</summary>
    /// <param name="response">The new <c>response</c> byte.</param>
    /// <returns>The changed packet.</returns>
    public TmelcomPacket WithResponse(sbyte response) => new(IpcType, MessageLength, Uid, response, _p0, _p1, _p2, _p3, _p4);

    /// <summary>Throws when the <c>response</c> byte reports a failure.</summary>
    /// <exception cref="TmelServiceException"><see cref="Response"/> is not 0; its <see cref="TmelServiceException.Status"/> is the mapped code.</exception>
    public void ThrowIfFailed() => TmelStatusTable.ThrowIfFailed(Uid, Response);

    /// <summary>Returns the packet's fields, for traces and logs (never the message bytes).</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => IpcType == TmelcomIpcType.Sram
        ? $"TMELCOM {TmelcomUid.Describe(Uid)} SRAM 0x{_p0:X8}+{_p1} response {Response}"
        : $"TMELCOM {TmelcomUid.Describe(Uid)} inline {MessageLength} bytes response {Response}";

    private static TmelcomPacket FromParameters(TmelcomIpcType ipcType, byte messageLength, ushort uid, sbyte response, ReadOnlySpan<byte> parameters) => new(
        ipcType,
        messageLength,
        uid,
        response,
        BinaryPrimitives.ReadUInt32LittleEndian(parameters),
        BinaryPrimitives.ReadUInt32LittleEndian(parameters[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(parameters[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(parameters[12..]),
        BinaryPrimitives.ReadUInt32LittleEndian(parameters[16..]));

    private void WriteParameters(Span<byte> parameters)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(parameters, _p0);
        BinaryPrimitives.WriteUInt32LittleEndian(parameters[4..], _p1);
        BinaryPrimitives.WriteUInt32LittleEndian(parameters[8..], _p2);
        BinaryPrimitives.WriteUInt32LittleEndian(parameters[12..], _p3);
        BinaryPrimitives.WriteUInt32LittleEndian(parameters[16..], _p4);
    }

    private void RequireForm(TmelcomIpcType needed)
    {
        if (IpcType != needed)
        {
            TmelcomThrowHelper.ThrowWrongForm(IpcType, needed);
        }
    }
}
