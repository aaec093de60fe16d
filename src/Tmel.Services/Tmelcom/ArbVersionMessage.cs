namespace Tmel.Services.Tmelcom;

/// <summary>SECBOOT GET_ARB_VERSION (UID 0x0009): an image's anti-rollback versions.</summary>
/// <remarks>
/// <para><c>struct tmel_secboot_get_arb_version</c> (tmelcom-services.md §3.1), 12 bytes, always inline:</para>
/// <code>
///  offset  size  field
///  0       4     sw_id          in: the software id asked about
///  4       1     oem_version    out: u8
///  5       1     qti_version    out: u8
///  6       1     oem_is_valid   out: u8 flag
///  7       1     qti_is_valid   out: u8 flag
///  8       4     status         out: 0 or a TMEL_ERROR_* code; not preset by Linux
///  total   12
/// </code>
/// </remarks>
/// <param name="SwId">The software id (<c>sw_id</c>).</param>
/// <param name="OemVersion">The OEM anti-rollback version (<c>oem_version</c>).</param>
/// <param name="QtiVersion">The QTI anti-rollback version (<c>qti_version</c>).</param>
/// <param name="OemIsValid">Whether <paramref name="OemVersion"/> holds a value (<c>oem_is_valid</c> non-zero).</param>
/// <param name="QtiIsValid">Whether <paramref name="QtiVersion"/> holds a value (<c>qti_is_valid</c> non-zero).</param>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
public readonly record struct ArbVersionMessage(uint SwId, byte OemVersion, byte QtiVersion, bool OemIsValid, bool QtiIsValid, uint Status)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.GetArbVersion"/>.</summary>
    public const ushort Uid = TmelcomUid.GetArbVersion;

    /// <summary>The struct's size in bytes (inline <c>msg_len</c>).</summary>
    public const int MessageSize = 12;

    /// <summary>Creates the request as Linux sends it: every out field 0.</summary>
    /// <param name="swId">The software id.</param>
    /// <returns>The message.</returns>
    public static ArbVersionMessage CreateRequest(uint swId) => new(swId, 0, 0, false, false, 0);

    /// <summary>Writes the 12-byte struct (the flags as 1 or 0).</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(ArbVersionMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, message.SwId);
        destination[4] = message.OemVersion;
        destination[5] = message.QtiVersion;
        destination[6] = message.OemIsValid ? (byte)1 : (byte)0;
        destination[7] = message.QtiIsValid ? (byte)1 : (byte)0;
        TmelcomWords.Write(destination, 8, message.Status);
        return MessageSize;
    }

    /// <summary>Reads the 12-byte struct; a flag byte is valid when non-zero.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 12 bytes long.</exception>
    public static ArbVersionMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "GET_ARB_VERSION struct");
        return new ArbVersionMessage(TmelcomWords.Read(source, 0), source[4], source[5], source[6] != 0, source[7] != 0, TmelcomWords.Read(source, 8));
    }
}
