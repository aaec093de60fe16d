using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>The response half of SEC_AUTH (UID 0x0004), which TME-L writes in place at offset 24 of the 44-byte struct.</summary>
/// <remarks>
/// <code>
///  offset  size  field (in the 44-byte struct; the request half is in SecAuthRequest)
///  24      4     first_seg_addr    u32 LE: where the first loadable segment lies
///  28      4     first_seg_len     u32 LE: its length
///  32      4     entry_addr        u32 LE: the image's entry point
///  36      4     extended_error    u32 LE: the service's detail code (the simulator's step codes, services.md §1.8)
///  40      4     status            u32 LE: 0 or a TMEL_ERROR_* code
/// </code>
/// <para>
/// The RFC reads the result in this order: the reply packet's <c>response</c> byte
/// (<see cref="TmelcomPacket.ThrowIfFailed"/>), then <c>status</c>, then <c>extended_error</c>; any non-zero one is a
/// failure (<see cref="ThrowIfFailed"/>).
/// </para>
/// </remarks>
/// <param name="FirstSegmentAddress">Where the first loadable segment lies (<c>first_seg_addr</c>).</param>
/// <param name="FirstSegmentLength">The first loadable segment's length (<c>first_seg_len</c>).</param>
/// <param name="EntryAddress">The image's entry point (<c>entry_addr</c>).</param>
/// <param name="ExtendedError">The service's detail code (<c>extended_error</c>); 0 on success.</param>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code, raw as on the wire (<c>status</c>).</param>
public readonly record struct SecAuthResponse(uint FirstSegmentAddress, uint FirstSegmentLength, uint EntryAddress, uint ExtendedError, uint Status)
{
    /// <summary>Where the response starts inside the 44-byte SEC_AUTH struct.</summary>
    public const int Offset = SecAuthRequest.RequestSize;

    /// <summary>The size of the response half in bytes.</summary>
    public const int Size = 20;

    /// <summary>Gets a value indicating whether the service reported success: <c>status</c> and <c>extended_error</c> both 0.</summary>
    public bool IsSuccess => (Status | ExtendedError) == 0;

    /// <summary>Writes the response into a SEC_AUTH struct in place (bytes 24..43), leaving the request half as it is.</summary>
    /// <param name="response">The response.</param>
    /// <param name="message">The whole struct; at least <see cref="SecAuthRequest.MessageSize"/> bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="message"/> is shorter than <see cref="SecAuthRequest.MessageSize"/>.</exception>
    public static void Encode(SecAuthResponse response, Span<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(message.Length, SecAuthRequest.MessageSize, nameof(message));
        Span<byte> half = message.Slice(Offset, Size);
        BinaryPrimitives.WriteUInt32LittleEndian(half, response.FirstSegmentAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(half[4..], response.FirstSegmentLength);
        BinaryPrimitives.WriteUInt32LittleEndian(half[8..], response.EntryAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(half[12..], response.ExtendedError);
        BinaryPrimitives.WriteUInt32LittleEndian(half[16..], response.Status);
    }

    /// <summary>Reads the response half of a 44-byte SEC_AUTH struct.</summary>
    /// <param name="message">The whole struct, exactly <see cref="SecAuthRequest.MessageSize"/> bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="RpmsgProtocolException"><paramref name="message"/> is not 44 bytes long.</exception>
    public static SecAuthResponse Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length != SecAuthRequest.MessageSize)
        {
            TmelcomThrowHelper.ThrowWrongLength("SEC_AUTH struct", message.Length, SecAuthRequest.MessageSize);
        }

        ReadOnlySpan<byte> half = message.Slice(Offset, Size);
        return new SecAuthResponse(
            BinaryPrimitives.ReadUInt32LittleEndian(half),
            BinaryPrimitives.ReadUInt32LittleEndian(half[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(half[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(half[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(half[16..]));
    }

    /// <summary>Throws when the service reported a failure: <c>status</c> or <c>extended_error</c> non-zero (the RFC's SEC_AUTH check).</summary>
    /// <exception cref="TmelServiceException">The response is not a success; it carries UID 0x0004, the mapped status and the extended error.</exception>
    public void ThrowIfFailed() => TmelStatusTable.ThrowIfFailed(SecAuthRequest.Uid, Status, ExtendedError);
}
