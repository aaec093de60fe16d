using System.Buffers;
using CsCheck;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>
/// Golden bytes of the 24-byte TMELCOM packet, derived by hand from qmp-rfc.md §5.1 (byte 0 = msg_len &lt;&lt; 1 | ipc_type,
/// then msg_type, action_id, response, then 5 × u32 LE) and checked against the §8 payload words. Never produced by our encoder.
/// </summary>
public class TmelcomPacketTests
{
    // §8 TEAR_DOWN, sw_id S = 0x1A2B3C4D: words 0x000A0018, S, 0x00000000, 0x00000001, 0, 0.
    private const string TearDownRequestHex =
        "18" +       // byte 0: ipc_type 0 (bit 0), msg_len 12 (bits 1..7): 12 << 1 = 0x18
        "00" +       // msg_type  0x00 SECBOOT
        "0A" +       // action_id 0x0A SS_TEAR_DOWN
        "00" +       // response  0
        "4D3C2B1A" + // param[0] sw_id           0x1A2B3C4D LE
        "00000000" + // param[1] secondary_sw_id 0
        "01000000" + // param[2] status          1 (preset TMEL_ERROR_GENERIC)
        "00000000" + // param[3] zero padding
        "00000000";  // param[4] zero padding

    // §8 SEC_AUTH, the 44-byte struct at bus address 0x8F200040: words 0x00040011, ptr, 0x0000002C, 0, 0, 0.
    private const string SecAuthRequestHex =
        "11" +                         // byte 0: ipc_type 1 (bit 0), msg_len 8 (bits 1..7): 8 << 1 | 1 = 0x11
        "00" +                         // msg_type  0x00 SECBOOT
        "04" +                         // action_id 0x04 SEC_AUTH
        "00" +                         // response  0
        "4000208F" +                   // payload_ptr 0x8F200040 LE
        "2C000000" +                   // payload_len 44 LE
        "000000000000000000000000";    // 12 bytes zero

    // A SEC_AUTH reply: the same pointer form, response byte 0xFD = -3 as s8 (no RFC code, so it maps to Unknown).
    private const string SecAuthReplyMinusThreeHex =
        "11" + "00" + "04" +
        "FD" +                         // response s8 -3
        "4000208F" + "2C000000" + "000000000000000000000000";

    [Fact]
    public void Encode_InlineTearDown_MatchesGoldenBytes()
    {
        byte[] message = Convert.FromHexString("4D3C2B1A" + "00000000" + "01000000");
        TmelcomPacket packet = TmelcomPacket.CreateInline(TmelcomUid.TearDown, message);

        byte[] buffer = new byte[TmelcomPacket.Size];
        Assert.Equal(24, TmelcomPacket.Encode(packet, buffer));
        Assert.Equal(TearDownRequestHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Encode_SramSecAuth_MatchesGoldenBytes()
    {
        TmelcomPacket packet = TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x8F200040, 44);

        byte[] buffer = Enumerable.Repeat((byte)0xEE, TmelcomPacket.Size).ToArray();
        TmelcomPacket.Encode(packet, buffer);
        Assert.Equal(SecAuthRequestHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Decode_InlineTearDown_ReadsEveryField()
    {
        TmelcomPacket packet = TmelcomPacket.Decode(Convert.FromHexString(TearDownRequestHex));

        Assert.Equal(TmelcomIpcType.MailboxOnly, packet.IpcType);
        Assert.Equal(12, packet.MessageLength);
        Assert.Equal(0x00, packet.MessageType);
        Assert.Equal(0x0A, packet.ActionId);
        Assert.Equal(0x000A, packet.Uid);
        Assert.Equal(0, packet.Response);
        byte[] message = new byte[20];
        Assert.Equal(12, packet.CopyInlineMessageTo(message));
        Assert.Equal("4D3C2B1A" + "00000000" + "01000000", Convert.ToHexString(message, 0, 12));
    }

    [Fact]
    public void Decode_SramSecAuth_ReadsEveryField()
    {
        TmelcomPacket packet = TmelcomPacket.Decode(Convert.FromHexString(SecAuthRequestHex));

        Assert.Equal(TmelcomIpcType.Sram, packet.IpcType);
        Assert.Equal(8, packet.MessageLength);
        Assert.Equal(0x0004, packet.Uid);
        Assert.Equal(0, packet.Response);
        Assert.Equal(0x8F200040u, packet.PayloadAddress);
        Assert.Equal(44u, packet.PayloadLength);
    }

    [Fact]
    public void Decode_NegativeResponseByte_IsSigned()
    {
        TmelcomPacket packet = TmelcomPacket.Decode(Convert.FromHexString(SecAuthReplyMinusThreeHex));
        Assert.Equal(-3, packet.Response);
        Assert.Equal(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x8F200040, 44).WithResponse(-3), packet);
    }

    [Fact]
    public void WithResponse_ChangesOnlyByteThree()
    {
        TmelcomPacket reply = TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x8F200040, 44).WithResponse(-3);
        byte[] buffer = new byte[24];
        TmelcomPacket.Encode(reply, buffer);
        Assert.Equal(SecAuthReplyMinusThreeHex, Convert.ToHexString(buffer));
    }

    [Theory]
    // byte 0, ipc_type, msg_len: ipc_type is bit 0 (the LSB), msg_len bits 1..7
    [InlineData(0x00, TmelcomIpcType.MailboxOnly, 0)]
    [InlineData(0x02, TmelcomIpcType.MailboxOnly, 1)]
    [InlineData(0x28, TmelcomIpcType.MailboxOnly, 20)]
    [InlineData(0x11, TmelcomIpcType.Sram, 8)]
    public void Decode_ByteZero_SplitsIpcTypeAndMessageLength(byte byte0, TmelcomIpcType ipcType, int messageLength)
    {
        byte[] bytes = new byte[24];
        bytes[0] = byte0;
        TmelcomPacket packet = TmelcomPacket.Decode(bytes);
        Assert.Equal(ipcType, packet.IpcType);
        Assert.Equal(messageLength, packet.MessageLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(23)]
    [InlineData(25)]
    [InlineData(32)]
    public void Decode_WrongLength_ThrowsProtocolException(int length)
    {
        var e = Assert.Throws<RpmsgProtocolException>(() => TmelcomPacket.Decode(new byte[length]));
        Assert.Equal(RpmsgError.ProtocolError, e.Error);
        Assert.Contains($"got {length}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x2A)] // inline, msg_len 21
    [InlineData(0xFE)] // inline, msg_len 127
    public void Decode_InlineMessageLengthAbove20_ThrowsProtocolException(byte byte0)
    {
        byte[] bytes = new byte[24];
        bytes[0] = byte0;
        var e = Assert.Throws<RpmsgProtocolException>(() => TmelcomPacket.Decode(bytes));
        Assert.Contains("msg_len", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x01)] // SRAM, msg_len 0
    [InlineData(0x13)] // SRAM, msg_len 9
    [InlineData(0xFF)] // SRAM, msg_len 127
    public void Decode_SramMessageLengthNotEight_ThrowsProtocolException(byte byte0)
    {
        byte[] bytes = Convert.FromHexString(SecAuthRequestHex);
        bytes[0] = byte0;
        var e = Assert.Throws<RpmsgProtocolException>(() => TmelcomPacket.Decode(bytes));
        Assert.Contains("msg_len", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SramPayloadLengthAbove168_ThrowsProtocolException()
    {
        byte[] bytes = Convert.FromHexString(SecAuthRequestHex);
        bytes[8] = 169; // payload_len 169 LE
        Assert.Throws<RpmsgProtocolException>(() => TmelcomPacket.Decode(bytes));
        bytes[8] = 168;
        Assert.Equal(168u, TmelcomPacket.Decode(bytes).PayloadLength);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(17)]
    [InlineData(23)]
    public void Decode_SramTailNotZero_ThrowsProtocolException(int index)
    {
        byte[] bytes = Convert.FromHexString(SecAuthRequestHex);
        bytes[index] = 0x01;
        var e = Assert.Throws<RpmsgProtocolException>(() => TmelcomPacket.Decode(bytes));
        Assert.Contains("12 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_InlineBytesPastMessageLength_AreKeptAndReEncoded()
    {
        byte[] bytes = Convert.FromHexString(TearDownRequestHex);
        bytes[23] = 0x5A; // param[4], past msg_len 12
        TmelcomPacket packet = TmelcomPacket.Decode(bytes);

        byte[] again = new byte[24];
        TmelcomPacket.Encode(packet, again);
        Assert.Equal(bytes, again);
        Assert.NotEqual(TmelcomPacket.Decode(Convert.FromHexString(TearDownRequestHex)), packet);
    }

    [Fact]
    public void Encode_BufferWriter_AppendsTwentyFourBytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        TmelcomPacket.Encode(TmelcomPacket.Decode(Convert.FromHexString(TearDownRequestHex)), writer);
        TmelcomPacket.Encode(TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x8F200040, 44), writer);
        Assert.Equal(TearDownRequestHex + SecAuthRequestHex, Convert.ToHexString(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_ShortDestination_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TmelcomPacket.Encode(default, new byte[23]));

    [Fact]
    public void CreateInline_MessageOver20Bytes_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[21]));

    [Fact]
    public void CreateSram_LengthOver168_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x1000, 169));

    [Fact]
    public void SramMembers_OnInlinePacket_Throw()
    {
        TmelcomPacket inline = TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[12]);
        Assert.Throws<InvalidOperationException>(() => inline.PayloadAddress);
        Assert.Throws<InvalidOperationException>(() => inline.PayloadLength);
    }

    [Fact]
    public void CopyInlineMessageTo_OnSramPacket_Throws()
    {
        TmelcomPacket sram = TmelcomPacket.CreateSram(TmelcomUid.SecAuth, 0x1000, 44);
        Assert.Throws<InvalidOperationException>(() => sram.CopyInlineMessageTo(new byte[20]));
    }

    [Fact]
    public void CopyInlineMessageTo_ShortDestination_Throws()
    {
        TmelcomPacket inline = TmelcomPacket.CreateInline(TmelcomUid.TearDown, new byte[12]);
        Assert.Throws<ArgumentOutOfRangeException>(() => inline.CopyInlineMessageTo(new byte[11]));
    }

    [Theory]
    // qmp-rfc.md §5.3: 4 + size <= 24 inline; size <= 168 SRAM; TEAR_DOWN (12) inline, SEC_AUTH (44) SRAM (§5.4).
    [InlineData(0, TmelcomIpcType.MailboxOnly)]
    [InlineData(TearDownRequest.MessageSize, TmelcomIpcType.MailboxOnly)]
    [InlineData(20, TmelcomIpcType.MailboxOnly)]
    [InlineData(21, TmelcomIpcType.Sram)]
    [InlineData(SecAuthRequest.MessageSize, TmelcomIpcType.Sram)]
    [InlineData(168, TmelcomIpcType.Sram)]
    public void SelectIpcType_FollowsThePathRule(int size, TmelcomIpcType expected) =>
        Assert.Equal(expected, TmelcomPacket.SelectIpcType(size));

    [Theory]
    [InlineData(-1)]
    [InlineData(169)]
    public void SelectIpcType_OutOfRange_Throws(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TmelcomPacket.SelectIpcType(size));

    [Fact]
    public void ThrowIfFailed_ResponseZero_DoesNotThrow() =>
        TmelcomPacket.Decode(Convert.FromHexString(SecAuthRequestHex)).ThrowIfFailed();

    [Fact]
    public void ThrowIfFailed_NegativeResponse_ThrowsUnknownWithRawCode()
    {
        TmelcomPacket reply = TmelcomPacket.Decode(Convert.FromHexString(SecAuthReplyMinusThreeHex));
        var e = Assert.Throws<TmelServiceException>(reply.ThrowIfFailed);
        Assert.Equal(TmelStatus.Unknown, e.Status);
        Assert.Equal(-3, e.RawStatus);
        Assert.Equal(TmelcomUid.SecAuth, e.Uid);
    }

    [Fact]
    public void ToString_NamesUidFormAndResponse()
    {
        Assert.Equal(
            "TMELCOM 0x0004 (SECBOOT SEC_AUTH) SRAM 0x8F200040+44 response 0",
            TmelcomPacket.Decode(Convert.FromHexString(SecAuthRequestHex)).ToString());
        Assert.Equal(
            "TMELCOM 0x000A (SECBOOT SS_TEAR_DOWN) inline 12 bytes response 0",
            TmelcomPacket.Decode(Convert.FromHexString(TearDownRequestHex)).ToString());
    }

    [Fact]
    public void InlinePacket_RoundTrips() =>
        Gen.Select(Gen.UShort, Gen.Byte.Array[0, 20], Gen.SByte).Sample((uid, message, response) =>
        {
            TmelcomPacket packet = TmelcomPacket.CreateInline(uid, message, response);
            byte[] buffer = new byte[24];
            TmelcomPacket.Encode(packet, buffer);
            TmelcomPacket decoded = TmelcomPacket.Decode(buffer);
            byte[] copied = new byte[20];
            int length = decoded.CopyInlineMessageTo(copied);
            return decoded == packet
                && decoded.Uid == uid
                && decoded.Response == response
                && copied.AsSpan(0, length).SequenceEqual(message)
                && buffer.AsSpan(4 + message.Length).IndexOfAnyExcept((byte)0) < 0;
        });

    [Fact]
    public void SramPacket_RoundTrips() =>
        Gen.Select(Gen.UShort, Gen.UInt, Gen.UInt[0, 168], Gen.SByte).Sample((uid, address, length, response) =>
        {
            TmelcomPacket packet = TmelcomPacket.CreateSram(uid, address, length, response);
            byte[] buffer = new byte[24];
            TmelcomPacket.Encode(packet, buffer);
            TmelcomPacket decoded = TmelcomPacket.Decode(buffer);
            return decoded == packet
                && decoded.Uid == uid
                && decoded.PayloadAddress == address
                && decoded.PayloadLength == length
                && decoded.Response == response;
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedBytesReEncode() =>
        DecoderProperty.Check(
            Gen.OneOf(
                DecoderProperty.ArbitraryBytes(TmelcomPacket.Size, Convert.FromHexString(SecAuthRequestHex)),
                DecoderProperty.ArbitraryBytes(TmelcomPacket.Size, Convert.FromHexString(TearDownRequestHex))),
            bytes => TmelcomPacket.Decode(bytes),
            (bytes, packet) =>
            {
                byte[] again = new byte[24];
                TmelcomPacket.Encode(packet, again);
                bool wellFormed = packet.IpcType == TmelcomIpcType.Sram
                    ? packet.MessageLength == 8 && packet.PayloadLength <= 168 && bytes.AsSpan(12).IndexOfAnyExcept((byte)0) < 0
                    : packet.MessageLength <= 20 && packet.CopyInlineMessageTo(new byte[20]) == packet.MessageLength;
                return bytes.Length == 24 && again.AsSpan().SequenceEqual(bytes) && wellFormed;
            });
}
