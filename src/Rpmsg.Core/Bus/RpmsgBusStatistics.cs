namespace Rpmsg.Core;

/// <summary>A snapshot of an <see cref="RpmsgBus"/>'s counters since it was created.</summary>
/// <remarks>
/// Every message that arrives is received; it is then dropped (no endpoint), discarded (its endpoint closed before it
/// was read), overflowed (its endpoint's receive queue stayed full for the whole <see cref="RpmsgBusOptions.ReceiveQueueFullTimeout"/>),
/// or read by the endpoint's owner. So the messages read are
/// <c>MessagesReceived - MessagesDropped - MessagesDiscarded - MessagesOverflowed</c>. Name-service traffic is not counted here.
/// </remarks>
/// <param name="MessagesSent">Messages the transport took from this bus's endpoints.</param>
/// <param name="MessagesReceived">Messages that arrived from the transport for an endpoint address.</param>
/// <param name="MessagesDropped">Received messages addressed to no endpoint.</param>
/// <param name="MessagesDiscarded">Received messages freed unread because their endpoint closed.</param>
/// <param name="MalformedAnnouncements">Name-service messages dropped because they broke the format.</param>
/// <param name="ProbeFailures">Driver probes that threw (or whose default endpoint could not be created).</param>
/// <param name="CallbackFailures">Receive callbacks that threw.</param>
/// <param name="MessagesOverflowed">Received messages dropped because their endpoint's receive queue stayed full.</param>
public readonly record struct RpmsgBusStatistics(
    long MessagesSent,
    long MessagesReceived,
    long MessagesDropped,
    long MessagesDiscarded,
    long MalformedAnnouncements,
    long ProbeFailures,
    long CallbackFailures,
    long MessagesOverflowed = 0);
