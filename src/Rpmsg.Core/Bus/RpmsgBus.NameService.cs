using System.Threading.Channels;

namespace Rpmsg.Core;

public sealed partial class RpmsgBus
{
    private readonly Channel<LifecycleEvent> _lifecycleQueue;
    private readonly Task _lifecycleWorker;
    private readonly Dictionary<RpmsgEndpoint, string> _announcements = [];

    /// <summary>Announces a local endpoint to the peer under a channel name, so that the peer's bus creates a device for it.</summary>
    /// <param name="endpoint">The endpoint that serves the channel; disposing it withdraws the announcement.</param>
    /// <param name="name">The channel name: 1 to 31 printable ASCII characters.</param>
    /// <param name="cancellationToken">Ends the wait for transmit room.</param>
    /// <returns>A task that completes when the announcement was sent, or, while the link is down, recorded.</returns>
    /// <remarks>
    /// The announcement is remembered: it is sent again every time the link comes up, so the peer rebuilds the device
    /// after a link loss. If sending fails now (for example <see cref="RpmsgTimeoutException"/>), it stays remembered.
    /// </remarks>
    /// <exception cref="ArgumentException">The name is not a valid channel name, or the endpoint belongs to another bus.</exception>
    /// <exception cref="InvalidOperationException">The endpoint is already announced.</exception>
    /// <exception cref="RpmsgEndpointClosedException">The endpoint is closed.</exception>
    /// <exception cref="RpmsgTimeoutException">No transmit room became free within the transmit timeout.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task AnnounceAsync(RpmsgEndpoint endpoint, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        RpmsgNameServiceMessage.ValidateName(name, nameof(name));
        bool sendNow;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_endpoints.TryGetValue(endpoint.Address.Value, out RpmsgEndpoint? bound) || bound != endpoint)
            {
                if (endpoint.IsClosed)
                {
                    ThrowHelper.ThrowEndpointClosed(endpoint.CloseReason, endpoint.Address);
                }

                throw new ArgumentException("The endpoint belongs to another bus.", nameof(endpoint));
            }

            if (!_announcements.TryAdd(endpoint, name))
            {
                throw new InvalidOperationException($"Endpoint {endpoint.Address} is already announced as {_announcements[endpoint]}.");
            }

            endpoint.AnnouncedName = name;
            sendNow = _announcementsLive;
        }

        // Before the lifecycle worker has handled link-up, it sends this announcement with the others; after, we do.
        if (sendNow)
        {
            await SendAnnouncementCoreAsync(new RpmsgNameServiceMessage(name, endpoint.Address, RpmsgNameServiceFlags.Create), cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask OnNameServiceMessageAsync(RpmsgAddress source, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        if (!RpmsgNameServiceMessage.TryRead(payload, out RpmsgNameServiceMessage message, out string error))
        {
            Interlocked.Increment(ref _malformedAnnouncements);
            Log.MalformedAnnouncement(_logger, source.Value, error);
            return default;
        }

        if (message.Address.IsAny || message.Address > MaxAddress)
        {
            // A device at an address this bus cannot send to would fail every send (on QMP, a payload byte corrupted in the
            // mailbox can do this: the protocol has no checksum). Refused here, once, rather than on each send.
            Interlocked.Increment(ref _malformedAnnouncements);
            Log.MalformedAnnouncement(_logger, source.Value, $"'{message.Name}' is announced at address {message.Address}, which this bus cannot send to (its highest is {MaxAddress})");
            return default;
        }

        return EnqueueLifecycleAsync(LifecycleEvent.Announcement(message), cancellationToken);
    }

    private async ValueTask EnqueueLifecycleAsync(LifecycleEvent lifecycleEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _lifecycleQueue.Writer.WriteAsync(lifecycleEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The bus is being disposed; its devices are about to go anyway.
        }
    }

    private async Task RunLifecycleAsync()
    {
        CancellationToken disposing = _disposing.Token;
        try
        {
            await foreach (LifecycleEvent item in _lifecycleQueue.Reader.ReadAllAsync(disposing).ConfigureAwait(false))
            {
                await _lifecycleGate.WaitAsync(disposing).ConfigureAwait(false);
                try
                {
                    await HandleLifecycleEventAsync(item).ConfigureAwait(false);
                }
                finally
                {
                    _lifecycleGate.Release();
                }
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException && disposing.IsCancellationRequested) || (ex is ObjectDisposedException && IsDisposed))
        {
            // Disposal removes what is left (an event handled while disposal began may find the bus closed to new endpoints).
        }
    }

    private async Task HandleLifecycleEventAsync(LifecycleEvent item)
    {
        switch (item.Kind)
        {
            case LifecycleEventKind.LinkUp:
                Log.LinkUp(_logger);
                foreach (RpmsgNameServiceMessage announcement in SnapshotAnnouncements(goLive: true))
                {
                    await SendAnnouncementAsync(announcement, _disposing.Token).ConfigureAwait(false);
                }

                break;

            case LifecycleEventKind.LinkDown:
                Log.LinkDown(_logger);
                lock (_gate)
                {
                    _announcementsLive = false;
                }

                SignalLinkDown();

                foreach (RpmsgDevice device in SnapshotDevices())
                {
                    if (device.IsAnnounced)
                    {
                        await RemoveDeviceCoreAsync(device, RpmsgError.DeviceRemoved).ConfigureAwait(false);
                    }
                }

                break;

            case LifecycleEventKind.Announcement when item.Message.Flags == RpmsgNameServiceFlags.Create:
                if (await AddDeviceCoreAsync(item.Message.Name, RpmsgAddress.Any, item.Message.Address, isAnnounced: true).ConfigureAwait(false) is null)
                {
                    Log.DuplicateAnnouncement(_logger, item.Message.Name, item.Message.Address.Value);
                }

                break;

            case LifecycleEventKind.Announcement:
                RpmsgDevice? withdrawn;
                lock (_gate)
                {
                    withdrawn = _devices.Find(d => d.IsAnnounced && d.Name == item.Message.Name && d.Destination == item.Message.Address);
                }

                if (withdrawn is null)
                {
                    Log.UnknownWithdrawal(_logger, item.Message.Name, item.Message.Address.Value);
                }
                else
                {
                    await RemoveDeviceCoreAsync(withdrawn, RpmsgError.DeviceRemoved).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Takes the announcements to send at link-up; from then on (until link-down) new ones are sent as they are made.</summary>
    private RpmsgNameServiceMessage[] SnapshotAnnouncements(bool goLive)
    {
        lock (_gate)
        {
            _announcementsLive |= goLive;
            return [.. _announcements.Select(a => new RpmsgNameServiceMessage(a.Value, a.Key.Address, RpmsgNameServiceFlags.Create))];
        }
    }

    /// <summary>Sends an announcement on a best-effort basis: a failure is logged, since the next link-up repeats it.</summary>
    private async ValueTask SendAnnouncementAsync(RpmsgNameServiceMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await SendAnnouncementCoreAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpmsgException or OperationCanceledException or ObjectDisposedException)
        {
            Log.AnnouncementFailed(_logger, message.Name, message.Flags, ex);
        }
    }

    private async ValueTask SendAnnouncementCoreAsync(RpmsgNameServiceMessage message, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[RpmsgNameServiceMessage.Size];
        message.Write(buffer);
        await _transport.SendAsync(RpmsgAddress.NameService, RpmsgAddress.NameService, buffer, _txTimeout, cancellationToken).ConfigureAwait(false);
        Log.AnnouncementSent(_logger, message.Name, message.Address.Value, message.Flags);
    }

    private enum LifecycleEventKind
    {
        Announcement,
        LinkUp,
        LinkDown,
    }

    private readonly record struct LifecycleEvent(LifecycleEventKind Kind, RpmsgNameServiceMessage Message)
    {
        public static LifecycleEvent LinkUp => new(LifecycleEventKind.LinkUp, default);

        public static LifecycleEvent LinkDown => new(LifecycleEventKind.LinkDown, default);

        public static LifecycleEvent Announcement(RpmsgNameServiceMessage message) => new(LifecycleEventKind.Announcement, message);
    }
}
