namespace Tmel.Transport.Qmp;

/// <summary>What the hosted link service knows about the link, for the health check.</summary>
public enum QmpLinkStatus
{
    /// <summary>The first bring-up attempt is under way.</summary>
    Starting,

    /// <summary>The channel is open.</summary>
    Connected,

    /// <summary>The channel was open and is being re-established (the peer reset or closed it).</summary>
    Recovering,

    /// <summary>Bring-up failed and has not yet succeeded; attempts go on with backoff.</summary>
    Down,

    /// <summary>The host stopped the link.</summary>
    Stopped,
}
