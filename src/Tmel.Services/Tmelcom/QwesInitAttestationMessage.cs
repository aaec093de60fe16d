namespace Tmel.Services.Tmelcom;

/// <summary>QWES INIT_ATTESTATION (UID 0x0C00): TME-L writes its attestation public key into a client buffer.</summary>
/// <remarks>
/// <para><c>struct tmel_qwes_init_att_msg</c> (tmelcom-services.md §3.3), 16 bytes, always inline:</para>
/// <code>
///  offset  size  field
///  0       4     status            out: 0 or a TMEL_ERROR_* code; preset 1
///  4       4     rsp.buf           in: bus address of the output buffer
///  8       4     rsp.buf_len       in: its capacity (Linux: 128)
///  12      4     rsp.out_buf_len   out: bytes written, never above buf_len
///  total   16
/// </code>
/// The output's encoding is the simulator's decision (docs/attestation.md).
/// </remarks>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
/// <param name="Output">The output buffer (<c>rsp.buf</c>, <c>rsp.buf_len</c>).</param>
/// <param name="OutLength">The bytes TME-L wrote (<c>rsp.out_buf_len</c>).</param>
public readonly record struct QwesInitAttestationMessage(uint Status, TmelcomBuffer Output, uint OutLength)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.QwesInitAttestation"/>.</summary>
    public const ushort Uid = TmelcomUid.QwesInitAttestation;

    /// <summary>The struct's size in bytes (inline <c>msg_len</c>).</summary>
    public const int MessageSize = 16;

    /// <summary>The buffer Linux's <c>qwes.c</c> sends (<c>QWES_M3_KEY_BUFF_MAX_SIZE</c>).</summary>
    public const int LinuxBufferLength = 128;

    /// <summary>Creates the request as Linux sends it: <c>status</c> preset to 1, <c>out_buf_len</c> 0.</summary>
    /// <param name="output">The output buffer.</param>
    /// <returns>The message.</returns>
    public static QwesInitAttestationMessage CreateRequest(TmelcomBuffer output) => new((uint)TmelStatus.Generic, output, 0);

    /// <summary>Writes the 16-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(QwesInitAttestationMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, message.Status);
        message.Output.Write(destination[4..]);
        TmelcomWords.Write(destination, 12, message.OutLength);
        return MessageSize;
    }

    /// <summary>Reads the 16-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 16 bytes long.</exception>
    public static QwesInitAttestationMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "QWES INIT_ATTESTATION struct");
        return new QwesInitAttestationMessage(TmelcomWords.Read(source, 0), TmelcomBuffer.Read(source[4..]), TmelcomWords.Read(source, 12));
    }
}
