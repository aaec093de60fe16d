using System.Diagnostics.CodeAnalysis;

namespace Tmel.Services.Tmelcom;

/// <summary>The one table from a raw TME-L result code to <see cref="TmelStatus"/>, its RFC name and the exception it raises.</summary>
/// <remarks>
/// Every path that turns a TME-L answer into a failure goes through here: a packet's <c>response</c> byte
/// (<see cref="ThrowIfFailed(ushort, sbyte)"/>) and a SECBOOT struct's <c>status</c>/<c>extended_error</c>
/// (<see cref="ThrowIfFailed(ushort, uint, uint)"/>). A raw code outside the table maps to <see cref="TmelStatus.Unknown"/>
/// and the raw value travels on in the exception.
/// </remarks>
internal static class TmelStatusTable
{
    // Indexed by the raw code.
    private static readonly Entry[] s_entries =
    [
        new(TmelStatus.Success, "TMEL_SUCCESS", "the request succeeded"),
        new(TmelStatus.Generic, "TMEL_ERROR_GENERIC", "generic failure"),
        new(TmelStatus.NotSupported, "TMEL_ERROR_NOT_SUPPORTED", "the request is not supported"),
        new(TmelStatus.BadParameter, "TMEL_ERROR_BAD_PARAMETER", "a request field has a rejected value"),
        new(TmelStatus.BadMessage, "TMEL_ERROR_BAD_MESSAGE", "the request or its data is malformed"),
        new(TmelStatus.BadAddress, "TMEL_ERROR_BAD_ADDRESS", "an address names memory TME-L may not access"),
        new(TmelStatus.TmelcomFailure, "TMEL_ERROR_TMELCOM_FAILURE", "the TMELCOM layer inside TME-L failed"),
        new(TmelStatus.Busy, "TMEL_ERROR_TMEL_BUSY", "TME-L is busy"),
    ];

    private static readonly Entry s_unknown = new(TmelStatus.Unknown, "unknown TMEL code", "a code outside the RFC's table");

    /// <summary>Maps a raw code (an s8 response or a u32 status, widened without loss) to its status.</summary>
    public static TmelStatus ToStatus(long raw) => Lookup(raw).Status;

    /// <summary>Returns the RFC's name of a raw code (<c>TMEL_ERROR_BAD_PARAMETER</c>), or "unknown TMEL code".</summary>
    public static string GetName(long raw) => Lookup(raw).Name;

    /// <summary>Returns a short meaning of a raw code, read from its RFC name.</summary>
    public static string GetMeaning(long raw) => Lookup(raw).Meaning;

    /// <summary>Throws when a reply packet's <c>response</c> byte is non-zero.</summary>
    /// <exception cref="TmelServiceException"><paramref name="response"/> is not 0.</exception>
    public static void ThrowIfFailed(ushort uid, sbyte response)
    {
        if (response != 0)
        {
            ThrowFailed(uid, response);
        }
    }

    /// <summary>Throws when a SECBOOT struct's <c>status</c> or <c>extended_error</c> is non-zero (the RFC's SEC_AUTH rule).</summary>
    /// <exception cref="TmelServiceException"><paramref name="status"/> or <paramref name="extendedError"/> is not 0.</exception>
    public static void ThrowIfFailed(ushort uid, uint status, uint extendedError)
    {
        if ((status | extendedError) != 0)
        {
            ThrowFailed(uid, status, extendedError);
        }
    }

    /// <summary>Builds the exception message; it names the UID, the status (enum, raw code, RFC name) and the extended error.</summary>
    public static string FormatMessage(ushort uid, TmelStatusOrigin origin, long raw, uint extendedError)
    {
        Entry entry = Lookup(raw);
        string where = origin == TmelStatusOrigin.PacketResponse ? "packet response" : "service status";
        return $"TME-L request {TmelcomUid.Describe(uid)} failed with {entry.Status} ({where} {raw}, {entry.Name}: {entry.Meaning}); extended error 0x{extendedError:X8}.";
    }

    private static Entry Lookup(long raw) => raw >= 0 && raw < s_entries.Length ? s_entries[raw] : s_unknown;

    [DoesNotReturn]
    private static void ThrowFailed(ushort uid, sbyte response) => throw new TmelServiceException(uid, response);

    [DoesNotReturn]
    private static void ThrowFailed(ushort uid, uint status, uint extendedError) => throw new TmelServiceException(uid, status, extendedError);

    private sealed record Entry(TmelStatus Status, string Name, string Meaning);
}
