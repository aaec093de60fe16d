using System.Diagnostics;

namespace Rpmsg.Core;

/// <summary>What a transport reports to its bus: received frames and link-state changes.</summary>
/// <remarks>
/// Calls come from one logical sequence, never concurrently. A transport awaits each call before it
/// makes the next, which is how a slow receiver pushes back on the peer's sender.
/// </remarks>
public interface IRpmsgTransportHandler
{
    /// <summary>Delivers one frame received from the peer.</summary>
    /// <param name="source">The peer endpoint that sent it.</param>
    /// <param name="destination">The local endpoint it is addressed to.</param>
    /// <param name="payload">The payload; valid only until the returned task completes.</param>
    /// <param name="senderContext">The trace context of the sender's span when the transport carried it (out of band, never
    /// in the frame); default otherwise.</param>
    /// <param name="cancellationToken">Cancelled when the transport shuts down.</param>
    /// <returns>A task that completes when the payload buffer may be reused.</returns>
    ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, ActivityContext senderContext, CancellationToken cancellationToken);

    /// <summary>Reports that the link to the peer came up or went down.</summary>
    /// <param name="isUp"><see langword="true"/> when the link came up.</param>
    /// <param name="cancellationToken">Cancelled when the transport shuts down.</param>
    /// <returns>A task that completes when the change was taken in.</returns>
    ValueTask OnLinkStateChangedAsync(bool isUp, CancellationToken cancellationToken);
}
