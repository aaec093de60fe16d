using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>The request half of SS_TEAR_DOWN (UID 0x000A): tear down the subsystem running image <see cref="SwId"/>.</summary>
/// <remarks>
/// <para>The RFC's <c>struct tmel_secboot_teardown</c> is the request followed by the response, 12 bytes, always inline:</para>
/// <code>
///  offset  size  field
///  0       4     sw_id             u32 LE: the image's software id (the PAS id)
///  4       4     secondary_sw_id   u32 LE: 0 in the RFC
///  -------------------------------- request ends (8), response begins (see TearDownResponse) ----------
///  8       4     resp.status       u32 LE: preset to 1 (TMEL_ERROR_GENERIC) by the requester; 0 or a TMEL_ERROR_* code
///  total   12
/// </code>
/// <para>
/// The 12 bytes travel in the packet's <c>param[]</c> (<c>msg_len</c> 12); TME-L answers with an inline packet whose
/// <c>param[]</c> holds the struct with <c>status</c> filled in. Presetting <c>status</c> to GENERIC means a reply that
/// never wrote it reads as a failure.
/// </para>
/// </remarks>
/// <param name="SwId">The image's software id (<c>sw_id</c>).</param>
/// <param name="SecondarySwId">A second software id (<c>secondary_sw_id</c>); the RFC always sends 0.</param>
public readonly record struct TearDownRequest(uint SwId, uint SecondarySwId = 0)
{
    /// <summary>The request's UID, <see cref="TmelcomUid.TearDown"/>.</summary>
    public const ushort Uid = TmelcomUid.TearDown;

    /// <summary>The size of the whole SS_TEAR_DOWN struct (request and response) in bytes: the inline packet's <c>msg_len</c>.</summary>
    public const int MessageSize = 12;

    /// <summary>The size of the request half in bytes; the response starts here.</summary>
    public const int RequestSize = 8;

    /// <summary>The <c>status</c> the requester presets: 1, <c>TMEL_ERROR_GENERIC</c>.</summary>
    public const uint PresetStatus = (uint)TmelStatus.Generic;

    /// <summary>Writes the whole 12-byte SS_TEAR_DOWN struct: the request, then <c>status</c> preset to <see cref="PresetStatus"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="destination">Where to write; at least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>, the number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="MessageSize"/>.</exception>
    public static int Encode(TearDownRequest request, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, request.SwId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], request.SecondarySwId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[RequestSize..], PresetStatus);
        return MessageSize;
    }

    /// <summary>Reads the request half of a 12-byte SS_TEAR_DOWN struct; the <c>status</c> word is not looked at.</summary>
    /// <param name="message">The whole struct, exactly <see cref="MessageSize"/> bytes.</param>
    /// <returns>The request.</returns>
    /// <exception cref="RpmsgProtocolException"><paramref name="message"/> is not 12 bytes long.</exception>
    public static TearDownRequest Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length != MessageSize)
        {
            TmelcomThrowHelper.ThrowWrongLength("SS_TEAR_DOWN struct", message.Length, MessageSize);
        }

        return new TearDownRequest(BinaryPrimitives.ReadUInt32LittleEndian(message), BinaryPrimitives.ReadUInt32LittleEndian(message[4..]));
    }
}
