namespace Tmel.Services.Tmelcom;

/// <summary>SECBOOT UPDATE_ARB_VER_SWID_LIST (UID 0x000D): commit the anti-rollback versions of the listed images.</summary>
/// <remarks>
/// <para><c>struct tmel_secboot_update_arb_ver_swid_list</c> (tmelcom-services.md §3.1), 12 bytes, always inline:</para>
/// <code>
///  offset  size  field
///  0       4     cbuffer.buf       in: bus address of an array of u32 sw_ids
///  4       4     cbuffer.buf_len   in: its length in bytes
///  8       4     status            out: 0 or a TMEL_ERROR_* code; not preset by Linux
///  total   12
/// </code>
/// </remarks>
/// <param name="SwIdList">The array of u32 software ids (<c>cbuffer</c>).</param>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
public readonly record struct ArbCommitMessage(TmelcomBuffer SwIdList, uint Status)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.UpdateArbVersionSwIdList"/>.</summary>
    public const ushort Uid = TmelcomUid.UpdateArbVersionSwIdList;

    /// <summary>The struct's size in bytes (inline <c>msg_len</c>).</summary>
    public const int MessageSize = 12;

    /// <summary>The most software ids one request may list (the simulator's limit, docs/device-services.md).</summary>
    public const int MaxSwIds = 64;

    /// <summary>Writes the 12-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(ArbCommitMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        message.SwIdList.Write(destination);
        TmelcomWords.Write(destination, 8, message.Status);
        return MessageSize;
    }

    /// <summary>Reads the 12-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 12 bytes long.</exception>
    public static ArbCommitMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "UPDATE_ARB_VER_SWID_LIST struct");
        return new ArbCommitMessage(TmelcomBuffer.Read(source), TmelcomWords.Read(source, 8));
    }
}
