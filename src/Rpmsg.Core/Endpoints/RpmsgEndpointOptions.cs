namespace Rpmsg.Core;

/// <summary>How an endpoint receives: by callback, or through a bounded queue read with <see cref="RpmsgEndpoint.ReceiveAsync"/>.</summary>
public sealed class RpmsgEndpointOptions
{
    /// <summary>Gets or sets the callback that receives every message; when <see langword="null"/>, messages are queued.</summary>
    /// <value>Default <see langword="null"/> (queued).</value>
    public RpmsgReceiveCallback? Callback { get; set; }

    /// <summary>Gets or sets how many messages the receive queue holds; when it is full, delivery waits for the reader, up to <see cref="ReceiveQueueFullTimeout"/>.</summary>
    /// <value>Default <see langword="null"/>: the bus's <see cref="RpmsgBusOptions.ReceiveQueueCapacity"/>.</value>
    public int? ReceiveQueueCapacity { get; set; }

    /// <summary>Gets or sets how long delivery waits for room in this endpoint's full receive queue before it drops the message and counts it.</summary>
    /// <value>Default <see langword="null"/>: the bus's <see cref="RpmsgBusOptions.ReceiveQueueFullTimeout"/>. <see cref="TimeSpan.Zero"/>
    /// drops at once; never infinite. Ignored for a callback endpoint.</value>
    public TimeSpan? ReceiveQueueFullTimeout { get; set; }
}
