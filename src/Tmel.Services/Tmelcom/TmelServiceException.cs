using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services;

/// <summary>A TME-L service received a request and answered with a failure (<see cref="RpmsgError.RemoteServiceError"/>).</summary>
/// <remarks>
/// The failure comes either from the reply packet's <c>response</c> byte or from the service struct's <c>status</c> and
/// <c>extended_error</c> words (<see cref="Origin"/> says which). <see cref="Status"/> is the code mapped through the
/// RFC's table; a code outside it is <see cref="TmelStatus.Unknown"/>, and <see cref="RawStatus"/> always holds the value
/// as it was on the wire.
/// </remarks>
public sealed class TmelServiceException : RpmsgException
{
    /// <summary>Initializes a new instance for a reply packet whose <c>response</c> byte is non-zero.</summary>
    /// <param name="uid">The request's UID (<c>msg_type &lt;&lt; 8 | action_id</c>).</param>
    /// <param name="response">The packet's <c>response</c> byte.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="response"/> is 0, which is no failure.</exception>
    public TmelServiceException(ushort uid, sbyte response)
        : this(uid, TmelStatusOrigin.PacketResponse, CheckFailure(response), extendedError: 0)
    {
    }

    /// <summary>Initializes a new instance for a service struct whose <c>status</c> or <c>extended_error</c> is non-zero.</summary>
    /// <param name="uid">The request's UID (<c>msg_type &lt;&lt; 8 | action_id</c>).</param>
    /// <param name="status">The struct's <c>status</c> word.</param>
    /// <param name="extendedError">The struct's <c>extended_error</c> word (0 for services that have none).</param>
    /// <exception cref="ArgumentException">Both <paramref name="status"/> and <paramref name="extendedError"/> are 0, which is no failure.</exception>
    public TmelServiceException(ushort uid, uint status, uint extendedError)
        : this(uid, TmelStatusOrigin.ServiceStatus, CheckFailure(status, extendedError), extendedError)
    {
    }

    private TmelServiceException(ushort uid, TmelStatusOrigin origin, long rawStatus, uint extendedError)
        : base(RpmsgError.RemoteServiceError, TmelStatusTable.FormatMessage(uid, origin, rawStatus, extendedError))
    {
        Uid = uid;
        Origin = origin;
        RawStatus = rawStatus;
        Status = TmelStatusTable.ToStatus(rawStatus);
        ExtendedError = extendedError;
    }

    /// <summary>Gets the UID of the request that failed.</summary>
    public ushort Uid { get; }

    /// <summary>Gets the result code mapped through the RFC's table; <see cref="TmelStatus.Unknown"/> for a code outside it.</summary>
    /// <remarks>
    /// <see cref="TmelStatus.Success"/> only for a struct whose <c>status</c> was 0 but whose <c>extended_error</c> was not,
    /// which the RFC's SEC_AUTH check also counts as a failure.
    /// </remarks>
    public TmelStatus Status { get; }

    /// <summary>Gets the code exactly as it was on the wire: an s8 <c>response</c> (-128..127) or a u32 <c>status</c> (0..4294967295).</summary>
    public long RawStatus { get; }

    /// <summary>Gets the service's <c>extended_error</c> word: a service-defined detail of the failure; 0 when the service reports none.</summary>
    public uint ExtendedError { get; }

    /// <summary>Gets where the failure was reported: the packet's <c>response</c> byte or the service struct.</summary>
    public TmelStatusOrigin Origin { get; }

    private static long CheckFailure(sbyte response)
    {
        ArgumentOutOfRangeException.ThrowIfZero(response);
        return response;
    }

    private static long CheckFailure(uint status, uint extendedError) =>
        (status | extendedError) != 0
            ? status
            : throw new ArgumentException("A status and extended error of 0 are a success, not a failure.", nameof(status));
}
