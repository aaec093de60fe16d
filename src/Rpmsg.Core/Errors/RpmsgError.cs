namespace Rpmsg.Core;

/// <summary>Why an rpmsg operation failed; carried by every <see cref="RpmsgException"/>.</summary>
public enum RpmsgError
{
    /// <summary>The requested endpoint address is already bound on this bus.</summary>
    AddressInUse = 1,

    /// <summary>Every dynamic address the transport can carry is bound.</summary>
    AddressSpaceExhausted,

    /// <summary>A device with the same name and remote address already exists on this bus.</summary>
    DeviceExists,

    /// <summary>The link below the bus is down; nothing can be sent until it comes back.</summary>
    LinkDown,

    /// <summary>No transmit room became free within the bus's transmit timeout.</summary>
    TxTimeout,

    /// <summary>The endpoint was destroyed by its owner.</summary>
    EndpointClosed,

    /// <summary>The device the endpoint belongs to was removed (withdrawn, link lost, or unbound).</summary>
    DeviceRemoved,

    /// <summary>The bus was disposed.</summary>
    BusDisposed,

    /// <summary>Bytes received from the peer did not follow the wire format.</summary>
    ProtocolError,

    /// <summary>The remote service received the request and answered with a failure status of its own.</summary>
    RemoteServiceError,

    /// <summary>The request was delivered, but the remote service sent no answer within the caller's response timeout; it may have been carried out.</summary>
    ResponseTimeout,

    /// <summary>
    /// The request was not sent: an earlier request to the same service was abandoned (cancelled or timed out) and its
    /// late reply, which could otherwise answer this request, neither arrived nor was ruled out by a link reset in time.
    /// </summary>
    LateReplyPending,

    /// <summary>
    /// The transport handed the message to the peer, but the peer did not confirm consuming it in time; the link was reset.
    /// The message may have been delivered: the caller decides whether a retry is safe.
    /// </summary>
    DeliveryUnconfirmed,
}
