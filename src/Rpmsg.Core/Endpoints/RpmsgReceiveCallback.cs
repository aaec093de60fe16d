namespace Rpmsg.Core;

/// <summary>Receives one message on an endpoint that delivers by callback (Linux's <c>rpmsg_rx_cb_t</c>).</summary>
/// <param name="endpoint">The endpoint the message arrived on.</param>
/// <param name="payload">The payload; valid only during the call. Copy what you keep.</param>
/// <param name="source">The address of the sender.</param>
/// <remarks>
/// Runs on the bus's delivery sequence: messages of all endpoints are delivered one at a time, so a callback
/// that blocks holds up delivery to every endpoint. No bus lock is held during the call; the callback may send,
/// create endpoints, or dispose its own endpoint. An exception it throws is logged and counted, never propagated.
/// </remarks>
public delegate void RpmsgReceiveCallback(RpmsgEndpoint endpoint, ReadOnlySpan<byte> payload, RpmsgAddress source);
