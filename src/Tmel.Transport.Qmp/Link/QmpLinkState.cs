namespace Tmel.Transport.Qmp;

/// <summary>The six states of a QMP side (the RFC's <c>enum qmp_local_state</c>, same order and values).</summary>
public enum QmpLinkState
{
    /// <summary>Not started, or stopped.</summary>
    LinkDisconnected = 0,

    /// <summary>Link level raised (or the peer's awaited); waiting for the peer's.</summary>
    LinkNegotiation = 1,

    /// <summary>Both link levels up; the channel is not open.</summary>
    LinkConnected = 2,

    /// <summary>Channel level raised; waiting for the peer's channel level and acknowledgement.</summary>
    LocalConnecting = 3,

    /// <summary>Both channels open and acknowledged: messages flow.</summary>
    ChannelConnected = 4,

    /// <summary>Closing the channel.</summary>
    LocalDisconnecting = 5,
}
