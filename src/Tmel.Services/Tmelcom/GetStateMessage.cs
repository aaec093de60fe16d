namespace Tmel.Services.Tmelcom;

/// <summary>SECBOOT GET_STATE (UID 0x000C): TME-L's state bits and its patch-version text in a client buffer.</summary>
/// <remarks>
/// <para><c>struct tmel_get_state</c> (tmelcom-services.md §3.1), 20 bytes, always inline; every word is the reply's:</para>
/// <code>
///  offset  size  field
///  0       4     state                       out: bit 0 tme_patch_status, bit 1 tme_mode, bits 2..31 reserved
///  4       4     patch_version.pdata         in: bus address of the text buffer
///  8       4     patch_version.length        in: its capacity (U-Boot: 128)
///  12      4     patch_version.length_used   out: bytes written; preset 0
///  16      4     status                      out: 0 or a TMEL_ERROR_* code; preset 1
///  total   20
/// </code>
/// </remarks>
/// <param name="State">The state bits (<c>state</c>).</param>
/// <param name="PatchVersion">The text buffer (<c>pdata</c>, <c>length</c>).</param>
/// <param name="LengthUsed">The text's length in bytes (<c>length_used</c>).</param>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
public readonly record struct GetStateMessage(uint State, TmelcomBuffer PatchVersion, uint LengthUsed, uint Status)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.GetState"/>.</summary>
    public const ushort Uid = TmelcomUid.GetState;

    /// <summary>The struct's size in bytes (inline <c>msg_len</c>).</summary>
    public const int MessageSize = 20;

    /// <summary>The patch-version buffer U-Boot sends (<c>TME_PATCH_VERSION_LENGTH</c>).</summary>
    public const int PatchVersionLength = 128;

    /// <summary>Creates the request as U-Boot sends it: <c>state</c> 0, <c>length_used</c> 0, <c>status</c> preset to 1.</summary>
    /// <param name="patchVersion">The text buffer.</param>
    /// <returns>The message.</returns>
    public static GetStateMessage CreateRequest(TmelcomBuffer patchVersion) => new(0, patchVersion, 0, (uint)TmelStatus.Generic);

    /// <summary>Writes the 20-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(GetStateMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, message.State);
        message.PatchVersion.Write(destination[4..]);
        TmelcomWords.Write(destination, 12, message.LengthUsed);
        TmelcomWords.Write(destination, 16, message.Status);
        return MessageSize;
    }

    /// <summary>Reads the 20-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 20 bytes long.</exception>
    public static GetStateMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "GET_STATE struct");
        return new GetStateMessage(TmelcomWords.Read(source, 0), TmelcomBuffer.Read(source[4..]), TmelcomWords.Read(source, 12), TmelcomWords.Read(source, 16));
    }
}
