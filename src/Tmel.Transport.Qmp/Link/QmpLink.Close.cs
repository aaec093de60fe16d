namespace Tmel.Transport.Qmp;

public sealed partial class QmpLink
{
    private int _closeRequested;

    /// <summary>Gets a task that completes when the open channel closes (at once when it is not open now).</summary>
    internal Task WhenChannelClosed => _channelClosed.Task;

    /// <summary>Closes the channel as the RFC's <c>shutdown</c> does (channel level cleared), and waits for the peer to acknowledge it.</summary>
    /// <param name="cancellationToken">Ends the wait for the acknowledgement; the channel stays closed.</param>
    /// <returns>A task that completes when the peer acknowledged the close, or after <see cref="QmpTransportOptions.ChannelOpenTimeout"/> without it.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <remarks>
    /// <para>A message in flight fails with <see cref="Rpmsg.Core.RpmsgException"/> (link down), a partial message is dropped, and
    /// the layer above hears that the channel closed. The link level stays up and the channel is not reopened, not even after a
    /// peer reset: closing is for shutdown, and <see cref="DisposeAsync"/> then takes the link level down.</para>
    /// <para>Only the local role closes this way; on the remote role, and on a link that is not started or already closed, it
    /// returns at once.</para>
    /// </remarks>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Role != QmpRole.Local || Volatile.Read(ref _handler) is null || Volatile.Read(ref _disposeStarted) != 0
            || Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        Post(Work.Close);
        try
        {
            await _closeAcknowledged.Task.WaitAsync(_options.ChannelOpenTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.CloseUnacknowledged(_logger, Role, _options.ChannelOpenTimeout.TotalMilliseconds);
        }
    }

    private void CloseTurn()
    {
        _closing = true;
        if (_state is QmpLinkState.ChannelConnected or QmpLinkState.LocalConnecting)
        {
            ResetChannel("the channel was closed locally");
            _ownDescriptor = _ownDescriptor.WithChannelState(false);
            SetState(QmpLinkState.LocalDisconnecting);
            WriteOwn();
        }
        else
        {
            _closeAcknowledged.TrySetResult();
        }
    }
}
