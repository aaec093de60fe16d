using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>The senders' side: one send slot per link, and the one reusable operation its holder posts to the actor.</summary>
public sealed partial class QmpLink
{
    private readonly SemaphoreSlim _txGate = new(1, 1);
    private readonly QmpSendOperation _sendOperation;

    /// <summary>Gets or sets who hears of a message handed over by <see cref="TrySendHandedOver"/> that failed (length, failure).</summary>
    internal Action<int, RpmsgException>? HandedOverSendFailed { get; set; }

    /// <summary>Gets how long a sent message may wait for the peer's rx_done.</summary>
    internal TimeSpan ConsumeTimeout => _options.ConsumeTimeout;

    /// <summary>Sends one message in fragments of up to 24 bytes and waits until the peer consumed it (flipped rx_done).</summary>
    /// <param name="message">At most 6144 bytes; must stay unchanged until the task completes.</param>
    /// <param name="reservedWord">The reserved word of the first fragment (the rpmsg addresses); never <see cref="ContinuationMarker"/>.</param>
    /// <param name="cancellationToken">Ends the wait. A message cancelled before its last fragment was taken is dropped by the
    /// peer as a partial; one cancelled later may still be consumed.</param>
    /// <returns>A task that completes when the peer consumed the message: it was delivered exactly once.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The message is over 6144 bytes.</exception>
    /// <exception cref="ArgumentException">The reserved word is the continuation marker.</exception>
    /// <exception cref="RpmsgException">The channel is not open, or closed before the peer consumed the message (<see cref="RpmsgError.LinkDown"/>).</exception>
    /// <exception cref="RpmsgTimeoutException">The peer took no fragment within two fragment timeouts; the channel was reset.</exception>
    /// <exception cref="QmpLinkException">The peer took the last fragment but did not flip rx_done within <see cref="QmpTransportOptions.ConsumeTimeout"/>
    /// (<see cref="QmpLinkFailure.ConsumeTimeout"/>); the channel was reset and the message may have been delivered.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <remarks>Sends are serialised: one message is in flight at a time. A send allocates nothing in steady state.</remarks>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken = default) =>
        SendAsync(message, reservedWord, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Sends one message, waiting at most <paramref name="roomTimeout"/> for an earlier send to finish first.</summary>
    /// <exception cref="RpmsgTimeoutException">Another send held the link for longer than <paramref name="roomTimeout"/>.</exception>
    internal ValueTask SendAsync(ReadOnlyMemory<byte> message, uint reservedWord, TimeSpan roomTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, QmpMailboxLayout.MaxMessageSize, nameof(message));
        if (reservedWord == ContinuationMarker)
        {
            throw new ArgumentException("0xFFFFFFFF marks continuation fragments and cannot start a message.", nameof(reservedWord));
        }

        return TryEnterSend()
            ? SendEnteredAsync(message, reservedWord, cancellationToken)
            : WaitForRoomThenSendAsync(message, reservedWord, roomTimeout, cancellationToken);
    }

    /// <summary>Takes the link's one send slot if it is free; the caller must then call <see cref="SendEnteredAsync"/> or <see cref="TrySendHandedOver"/>.</summary>
    internal bool TryEnterSend() => _txGate.Wait(0, CancellationToken.None);

    /// <summary>Sends one message while holding the send slot; the slot is given back when the caller takes the result.</summary>
    internal ValueTask SendEnteredAsync(ReadOnlyMemory<byte> message, uint reservedWord, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            ReleaseSendSlot();
            return ValueTask.FromCanceled(cancellationToken);
        }

        short token = _sendOperation.Prepare(message, reservedWord, cancellationToken);
        Post(Work.Send);
        _sendOperation.RegisterCancellation();
        return new ValueTask(_sendOperation, token);
    }

    /// <summary>Hands a copy of one message to the actor while holding the send slot, and returns at once (<c>rpmsg_trysend</c>).</summary>
    /// <remarks>Nobody awaits it: the slot is given back when the message was consumed or failed, and a failure is reported to <see cref="HandedOverSendFailed"/>.</remarks>
    internal void TrySendHandedOver(ReadOnlySpan<byte> message, uint reservedWord)
    {
        _sendOperation.PrepareHandedOver(message, reservedWord);

        // TrySend returns at once: the peer's doorbell watch (and its handler) must not run on this thread.
        Post(Work.Send, allowInlineWake: false);
    }

    /// <summary>Gives the send slot back (called by the send operation once its outcome was taken).</summary>
    internal void ReleaseSendSlot() => _txGate.Release();

    /// <summary>Tells the actor that the sender's token was cancelled.</summary>
    internal void PostSendCancelled() => Post(Work.SendCancelled);

    internal void OnHandedOverSendFailed(int length, RpmsgException failure) => HandedOverSendFailed?.Invoke(length, failure);

    private async ValueTask WaitForRoomThenSendAsync(ReadOnlyMemory<byte> message, uint reservedWord, TimeSpan roomTimeout, CancellationToken cancellationToken)
    {
        if (!IsChannelConnected)
        {
            throw new RpmsgException(RpmsgError.LinkDown, "The QMP channel is not open; the message was not sent.");
        }

        using CancellationTokenSource? timer = roomTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(roomTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer?.Token ?? CancellationToken.None);
        try
        {
            await _txGate.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new RpmsgTimeoutException(roomTimeout);
        }

        await SendEnteredAsync(message, reservedWord, cancellationToken).ConfigureAwait(false);
    }
}
