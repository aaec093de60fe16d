namespace Tmel.Services.Tmelcom;

/// <summary>QWES DEVICE_ATTESTATION (UID 0x0C01): TME-L answers an attestation request with a token in a client buffer.</summary>
/// <remarks>
/// <para><c>struct tmel_qwes_device_att_msg</c> (tmelcom-services.md §3.3), 32 bytes, always on the SRAM path:</para>
/// <code>
///  offset  size  field
///  0       4     status             out: 0 or a TMEL_ERROR_* code; preset 1
///  4       4     req.buf            in: the attestation request blob
///  8       4     req.buf_len        in
///  12      4     ext_claim.buf      in: the optional extra-claims blob; 0 when absent (then buf_len means nothing)
///  16      4     ext_claim.buf_len  in
///  20      4     rsp.buf            in: the output buffer for the token
///  24      4     rsp.buf_len        in: its capacity (Linux: 2048)
///  28      4     rsp.out_buf_len    out: bytes written, never above buf_len
///  total   32
/// </code>
/// The blobs' encodings are the simulator's decision (docs/attestation.md).
/// </remarks>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
/// <param name="Request">The request blob (<c>req</c>).</param>
/// <param name="ExtraClaims">The extra-claims blob (<c>ext_claim</c>); absent when its address is 0.</param>
/// <param name="Response">The output buffer (<c>rsp.buf</c>, <c>rsp.buf_len</c>).</param>
/// <param name="OutLength">The bytes TME-L wrote (<c>rsp.out_buf_len</c>).</param>
public readonly record struct QwesDeviceAttestationMessage(uint Status, TmelcomBuffer Request, TmelcomBuffer ExtraClaims, TmelcomBuffer Response, uint OutLength)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.QwesDeviceAttestation"/>.</summary>
    public const ushort Uid = TmelcomUid.QwesDeviceAttestation;

    /// <summary>The struct's size in bytes (the SRAM packet's <c>payload_len</c>).</summary>
    public const int MessageSize = 32;

    /// <summary>The size Linux allows for each blob and uses for the response buffer.</summary>
    public const int LinuxBufferLength = 2048;

    /// <summary>Gets a value indicating whether extra claims were sent: <c>ext_claim.buf</c> is not 0 (tmelcom-services.md §5.3 rule 6).</summary>
    public bool HasExtraClaims => ExtraClaims.Address != 0;

    /// <summary>Creates the request as Linux sends it: <c>status</c> preset to 1, <c>out_buf_len</c> 0.</summary>
    /// <param name="request">The request blob.</param>
    /// <param name="extraClaims">The extra claims, or <c>{0, 0}</c>.</param>
    /// <param name="response">The output buffer.</param>
    /// <returns>The message.</returns>
    public static QwesDeviceAttestationMessage CreateRequest(TmelcomBuffer request, TmelcomBuffer extraClaims, TmelcomBuffer response) =>
        new((uint)TmelStatus.Generic, request, extraClaims, response, 0);

    /// <summary>Writes the 32-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(QwesDeviceAttestationMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, message.Status);
        message.Request.Write(destination[4..]);
        message.ExtraClaims.Write(destination[12..]);
        message.Response.Write(destination[20..]);
        TmelcomWords.Write(destination, 28, message.OutLength);
        return MessageSize;
    }

    /// <summary>Reads the 32-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 32 bytes long.</exception>
    public static QwesDeviceAttestationMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "QWES DEVICE_ATTESTATION struct");
        return new QwesDeviceAttestationMessage(
            TmelcomWords.Read(source, 0),
            TmelcomBuffer.Read(source[4..]),
            TmelcomBuffer.Read(source[12..]),
            TmelcomBuffer.Read(source[20..]),
            TmelcomWords.Read(source, 28));
    }
}
