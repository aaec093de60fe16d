namespace Rpmsg.Core;

/// <summary>What became of one received message handed to an endpoint.</summary>
internal enum RpmsgDelivery
{
    /// <summary>The callback ran, or the message is in the receive queue.</summary>
    Delivered,

    /// <summary>The endpoint was closed; the message was freed unread.</summary>
    Discarded,

    /// <summary>The receive queue stayed full for the endpoint's bound; the message was dropped.</summary>
    QueueFull,
}
