using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>The request half of SEC_AUTH (UID 0x0004): authenticate the image whose metadata lies in <see cref="ElfBuffer"/>.</summary>
/// <remarks>
/// <para>The RFC's <c>struct tmel_secboot_sec_auth</c> is the request followed by the response, 44 bytes, always sent on the SRAM path:</para>
/// <code>
///  offset  size  field
///  0       4     sw_id                  u32 LE: the image's software id (the PAS id)
///  4       8     elf_buf                {buf u32, buf_len u32}: ELF header + program headers + hash segment
///  12      8     region_list            {buf u32, buf_len u32}: array of {base u32, size u32}; {0, 0} in the RFC
///  20      4     relocate               u32 LE: 1 = use offsets from the first region's base; 0 in the RFC
///  ------------------------------------ request ends (24), response begins (see SecAuthResponse) ----------
///  24      4     resp.first_seg_addr
///  28      4     resp.first_seg_len
///  32      4     resp.entry_addr
///  36      4     resp.extended_error
///  40      4     resp.status
///  total   44
/// </code>
/// <para>
/// The requester writes all 44 bytes into a shared-memory buffer (the response words zero, as the RFC's zeroed struct
/// has them) and sends an SRAM packet naming it; TME-L reads the request and writes <see cref="SecAuthResponse"/> in
/// place. Field values are carried as they are: a bad address or <c>relocate</c> value is for the service to answer
/// with a TMEL status, not for the codec to reject.
/// </para>
/// </remarks>
/// <param name="SwId">The image's software id (<c>sw_id</c>, the PAS id).</param>
/// <param name="ElfBuffer">The image metadata: ELF header, program headers and hash segment (<c>elf_buf</c>).</param>
/// <param name="RegionList">The loaded-image regions, an array of <see cref="SecAuthRegion"/> (<c>region_list</c>); <c>{0, 0}</c> when TME-L already knows them.</param>
/// <param name="Relocate">1 to ignore absolute <c>p_paddr</c> and use offsets from the first region's base; 0 otherwise (<c>relocate</c>).</param>
public readonly record struct SecAuthRequest(uint SwId, TmelcomBuffer ElfBuffer, TmelcomBuffer RegionList, uint Relocate)
{
    /// <summary>The request's UID, <see cref="TmelcomUid.SecAuth"/>.</summary>
    public const ushort Uid = TmelcomUid.SecAuth;

    /// <summary>The size of the whole SEC_AUTH struct (request and response) in bytes: the SRAM packet's <c>payload_len</c>.</summary>
    public const int MessageSize = 44;

    /// <summary>The size of the request half in bytes; the response starts here.</summary>
    public const int RequestSize = 24;

    /// <summary>Writes the whole 44-byte SEC_AUTH struct: the request, then the response words as zero.</summary>
    /// <param name="request">The request.</param>
    /// <param name="destination">Where to write; at least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>, the number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="MessageSize"/>.</exception>
    public static int Encode(SecAuthRequest request, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, request.SwId);
        request.ElfBuffer.Write(destination[4..]);
        request.RegionList.Write(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], request.Relocate);
        destination[RequestSize..MessageSize].Clear();
        return MessageSize;
    }

    /// <summary>Reads the request half of a 44-byte SEC_AUTH struct; the response words are not looked at.</summary>
    /// <param name="message">The whole struct, exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The request.</returns>
    /// <exception cref="RpmsgProtocolException"><paramref name="message"/> is not 44 bytes long.</exception>
    public static SecAuthRequest Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length != MessageSize)
        {
            TmelcomThrowHelper.ThrowWrongLength("SEC_AUTH struct", message.Length, MessageSize);
        }

        return new SecAuthRequest(
            BinaryPrimitives.ReadUInt32LittleEndian(message),
            TmelcomBuffer.Read(message[4..]),
            TmelcomBuffer.Read(message[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(message[20..]));
    }
}
