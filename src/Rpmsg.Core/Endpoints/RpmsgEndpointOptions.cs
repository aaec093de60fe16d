namespace Rpmsg.Core;

/// <summary>How an endpoint receives: by callback, or through a bounded queue read with <see cref="RpmsgEndpoint.ReceiveAsync"/>.</summary>
public sealed class RpmsgEndpointOptions
{
    /// <summary>Gets or sets the callback that receives every message; when <see langword="null"/>, messages are queued.</summary>
    /// <value>Default <see langword="null"/> (queued).</value>
    public RpmsgReceiveCallback? Callback { get; set; }

    /// <summary>Gets or sets how many messages the receive queue holds; when it is full, delivery waits for the reader.</summary>
    /// <value>Default <see langword="null"/>: the bus's <see cref="RpmsgBusOptions.ReceiveQueueCapacity"/>.</value>
    public int? ReceiveQueueCapacity { get; set; }
}
