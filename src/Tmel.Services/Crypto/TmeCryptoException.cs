using Rpmsg.Core;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Crypto;

/// <summary>TME-L answered a KM or HCS request with a <c>tme_status</c> other than SUCCESS.</summary>
public sealed class TmeCryptoException : RpmsgException
{
    /// <summary>Creates the exception for a status TME-L returned.</summary>
    /// <param name="uid">The request's UID.</param>
    /// <param name="status">The <c>status</c> word.</param>
    public TmeCryptoException(ushort uid, TmeStatus status)
        : base(RpmsgError.RemoteServiceError, $"{TmelcomUid.Describe(uid)} failed: {Name(status)} ({(uint)status}).")
    {
        Uid = uid;
        Status = status;
    }

    /// <summary>Gets the request's UID.</summary>
    public ushort Uid { get; }

    /// <summary>Gets the status TME-L answered.</summary>
    public TmeStatus Status { get; }

    /// <summary>The sheet's name of a status, e.g. <c>TME_STATUS_INVALID_INPUT</c>.</summary>
    private static string Name(TmeStatus status) => Enum.IsDefined(status)
        ? "TME_STATUS_" + string.Concat(status.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant()
        : "TME_STATUS_UNKNOWN";
}
