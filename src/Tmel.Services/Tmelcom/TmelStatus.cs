namespace Tmel.Services.Tmelcom;

/// <summary>A TME-L result code (the RFC's <c>TMEL_ERROR_*</c>), as found in a packet's <c>response</c> byte or a SECBOOT struct's <c>status</c> word.</summary>
/// <remarks>
/// The codes are not errnos. The RFC names them but documents no meanings; the summaries below read the names. Any raw
/// value outside 0..7 becomes <see cref="Unknown"/>, and <see cref="Tmel.Services.TmelServiceException.RawStatus"/> keeps the value itself.
/// </remarks>
public enum TmelStatus
{
    /// <summary>A raw code outside 0..7; not a wire value itself (the raw code is kept beside it).</summary>
    Unknown = -1,

    /// <summary>0: the request succeeded.</summary>
    Success = 0,

    /// <summary>1, <c>TMEL_ERROR_GENERIC</c>: the request failed for a reason the code does not narrow down (a failed verification step, for example).</summary>
    Generic = 1,

    /// <summary>2, <c>TMEL_ERROR_NOT_SUPPORTED</c>: TME-L does not support the request (its UID or an option in it).</summary>
    NotSupported = 2,

    /// <summary>3, <c>TMEL_ERROR_BAD_PARAMETER</c>: a field of the request has a value the service rejects.</summary>
    BadParameter = 3,

    /// <summary>4, <c>TMEL_ERROR_BAD_MESSAGE</c>: the request, or the data it points at, is malformed.</summary>
    BadMessage = 4,

    /// <summary>5, <c>TMEL_ERROR_BAD_ADDRESS</c>: an address in the request does not name memory TME-L may access.</summary>
    BadAddress = 5,

    /// <summary>6, <c>TMEL_ERROR_TMELCOM_FAILURE</c>: the TMELCOM layer inside TME-L failed to carry the request.</summary>
    TmelcomFailure = 6,

    /// <summary>7, <c>TMEL_ERROR_TMEL_BUSY</c>: TME-L is busy; the same request may succeed later.</summary>
    Busy = 7,
}
