using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>The response half of SS_TEAR_DOWN (UID 0x000A): the <c>status</c> word at offset 8 of the 12-byte struct.</summary>
/// <remarks>
/// <code>
///  offset  size  field (in the 12-byte struct; the request half is in TearDownRequest)
///  8       4     status   u32 LE: 0 or a TMEL_ERROR_* code
/// </code>
/// The RFC counts the teardown failed when the reply packet's <c>response</c> byte or this <c>status</c> is non-zero.
/// </remarks>
/// <param name="Status">0 or a <c>TMEL_ERROR_*</c> code, raw as on the wire (<c>status</c>).</param>
public readonly record struct TearDownResponse(uint Status)
{
    /// <summary>Where the response starts inside the 12-byte SS_TEAR_DOWN struct.</summary>
    public const int Offset = TearDownRequest.RequestSize;

    /// <summary>The size of the response half in bytes.</summary>
    public const int Size = 4;

    /// <summary>Gets a value indicating whether the service reported success (<c>status</c> 0).</summary>
    public bool IsSuccess => Status == 0;

    /// <summary>Writes the response into an SS_TEAR_DOWN struct in place (bytes 8..11), leaving the request half as it is.</summary>
    /// <param name="response">The response.</param>
    /// <param name="message">The whole struct; at least <see cref="TearDownRequest.MessageSize"/> bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="message"/> is shorter than <see cref="TearDownRequest.MessageSize"/>.</exception>
    public static void Encode(TearDownResponse response, Span<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(message.Length, TearDownRequest.MessageSize, nameof(message));
        BinaryPrimitives.WriteUInt32LittleEndian(message[Offset..], response.Status);
    }

    /// <summary>Reads the response half of a 12-byte SS_TEAR_DOWN struct.</summary>
    /// <param name="message">The whole struct, exactly <see cref="TearDownRequest.MessageSize"/> bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="RpmsgProtocolException"><paramref name="message"/> is not 12 bytes long.</exception>
    public static TearDownResponse Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length != TearDownRequest.MessageSize)
        {
            TmelcomThrowHelper.ThrowWrongLength("SS_TEAR_DOWN struct", message.Length, TearDownRequest.MessageSize);
        }

        return new TearDownResponse(BinaryPrimitives.ReadUInt32LittleEndian(message[Offset..]));
    }

    /// <summary>Throws when the service reported a failure (<c>status</c> non-zero).</summary>
    /// <exception cref="TmelServiceException"><see cref="Status"/> is not 0; the exception carries UID 0x000A and the mapped status.</exception>
    public void ThrowIfFailed() => TmelStatusTable.ThrowIfFailed(TearDownRequest.Uid, Status, extendedError: 0);
}
