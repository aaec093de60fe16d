using System.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>What a <see cref="QmpLink"/> reports to the layer above: whole messages, and the channel opening or closing.</summary>
/// <remarks>Calls come one at a time, in order. The link flips rx_done for a message only after <see cref="OnMessageAsync"/> completed.</remarks>
public interface IQmpLinkHandler
{
    /// <summary>Delivers one reassembled message.</summary>
    /// <param name="reservedWord">The reserved word of the message's first fragment (the rpmsg addresses, or 0 from the RFC driver).</param>
    /// <param name="message">The message; valid only until the returned task completes.</param>
    /// <param name="senderContext">The trace context of the peer's send, when the mailbox carried it out of band; default otherwise.</param>
    /// <param name="cancellationToken">Cancelled when the link is disposed.</param>
    /// <returns>A task that completes when the message was consumed.</returns>
    ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, ActivityContext senderContext, CancellationToken cancellationToken);

    /// <summary>Reports that the channel opened (messages can flow) or closed.</summary>
    /// <param name="connected"><see langword="true"/> when the channel is open.</param>
    /// <param name="cancellationToken">Cancelled when the link is disposed.</param>
    /// <returns>A task that completes when the change was taken in.</returns>
    ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken);
}
