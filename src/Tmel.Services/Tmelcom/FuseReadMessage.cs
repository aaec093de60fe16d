namespace Tmel.Services.Tmelcom;

/// <summary>FUSE_READ_MULTIPLE_ROW (UID 0x0306): read fuse rows through an array of <see cref="FuseEntry"/> in shared memory.</summary>
/// <remarks>
/// <para><c>struct tmel_fuse_read_multiple_row</c> (tmelcom-services.md §3.2), 16 bytes, always inline:</para>
/// <code>
///  offset  size  field
///  0       4     status                      out: 0 or a TMEL_ERROR_* code; preset 1 by clients
///  4       4     fuse_read_data.buf          in: bus address of an array of 12-byte tmel_fuse_payload entries
///  8       4     fuse_read_data.buf_len      in: the array's length in bytes (12 × N)
///  12      4     fuse_read_data.out_buf_len  in/out: left 0 by clients, never read back
///  total   16
/// </code>
/// </remarks>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code (<c>status</c>).</param>
/// <param name="Entries">The entry array (<c>fuse_read_data.buf</c>, <c>buf_len</c> in bytes).</param>
/// <param name="OutLength">The bytes of the array TME-L wrote (<c>out_buf_len</c>).</param>
public readonly record struct FuseReadMessage(uint Status, TmelcomBuffer Entries, uint OutLength)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.FuseReadMultipleRow"/>.</summary>
    public const ushort Uid = TmelcomUid.FuseReadMultipleRow;

    /// <summary>The struct's size in bytes (inline <c>msg_len</c>).</summary>
    public const int MessageSize = 16;

    /// <summary>The most rows one request may name: 14 (168 bytes, U-Boot's limit).</summary>
    public const int MaxEntries = 14;

    /// <summary>Creates the request as clients send it: <c>status</c> preset to 1 (GENERIC), <c>out_buf_len</c> 0.</summary>
    /// <param name="entries">The entry array.</param>
    /// <returns>The message.</returns>
    public static FuseReadMessage CreateRequest(TmelcomBuffer entries) => new((uint)TmelStatus.Generic, entries, 0);

    /// <summary>Writes the 16-byte struct.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(FuseReadMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, message.Status);
        message.Entries.Write(destination[4..]);
        TmelcomWords.Write(destination, 12, message.OutLength);
        return MessageSize;
    }

    /// <summary>Reads the 16-byte struct.</summary>
    /// <param name="source">Exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not 16 bytes long.</exception>
    public static FuseReadMessage Decode(ReadOnlySpan<byte> source)
    {
        TmelcomWords.CheckLength(source, MessageSize, "FUSE_READ_MULTIPLE_ROW struct");
        return new FuseReadMessage(TmelcomWords.Read(source, 0), TmelcomBuffer.Read(source[4..]), TmelcomWords.Read(source, 12));
    }
}
