using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;

namespace Rpmsg.Core;

/// <summary>One end of an <see cref="RpmsgLoopback"/> link.</summary>
/// <remarks>
/// Frames go into the peer's inbox, an unbounded channel whose fill is bounded by transmit credits
/// (a semaphore of <see cref="RpmsgLoopbackOptions.TxQueueDepth"/>): a credit is taken when a frame is
/// queued and given back only after the receiving bus has taken the frame in, so a slow receiver
/// pushes back on the sender. Link-state reports use no credit. One pump task per end delivers in order.
/// </remarks>
internal sealed class LoopbackTransport : IRpmsgTransport
{
    private readonly RpmsgLoopback _link;
    private readonly SemaphoreSlim _credits;
    private readonly Channel<LoopbackItem> _inbox = Channel.CreateUnbounded<LoopbackItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly CancellationTokenSource _disposed = new();
    private CancellationTokenSource _linkDown = new();
    private IRpmsgTransportHandler? _handler;
    private Task _pump = Task.CompletedTask;
    private bool _running;

    public LoopbackTransport(RpmsgLoopback link, RpmsgLoopbackOptions options)
    {
        _link = link;
        Mtu = options.Mtu;
        MaxAddress = options.MaxAddress;
        _credits = new SemaphoreSlim(options.TxQueueDepth, options.TxQueueDepth);
    }

    public int Mtu { get; }

    public RpmsgAddress MaxAddress { get; }

    public bool IsLinkUp => _link.IsUp;

    internal LoopbackTransport Peer { get; set; } = null!;

    internal bool IsRunningLocked => _running;

    public void Start(IRpmsgTransportHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_link.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (_handler is not null)
            {
                throw new InvalidOperationException("The transport was already started.");
            }

            _handler = handler;
            _running = true;
        }

        _pump = Task.Run(PumpAsync);
        _link.OnTransportStateChanged();
    }

    public bool TrySend(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        Validate(source, destination, payload.Length);
        if (!_credits.Wait(0))
        {
            ThrowIfLinkDown();
            return false;
        }

        Enqueue(source, destination, payload);
        return true;
    }

    public ValueTask SendAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Validate(source, destination, payload.Length);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (_credits.Wait(0, CancellationToken.None))
        {
            Enqueue(source, destination, payload.Span);
            return default;
        }

        return SendSlowAsync(source, destination, payload, timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_link.Gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _running = false;
            _disposed.Cancel();
        }

        _link.OnTransportStateChanged();
        _inbox.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        while (_inbox.Reader.TryRead(out LoopbackItem item))
        {
            ReturnBuffer(item);
        }

        // _credits is deliberately not disposed: a sender whose wait was just cancelled may still be inside
        // SemaphoreSlim.WaitAsync, and disposing under it would strand that wait forever. Without
        // AvailableWaitHandle a SemaphoreSlim holds nothing that needs releasing.
        _disposed.Dispose();
    }

    internal void EnqueueLinkStateLocked(bool up)
    {
        if (up)
        {
            if (_linkDown.IsCancellationRequested)
            {
                // The old source is left undisposed: a sender may still be linking to its token, and a
                // cancelled source without a timer holds nothing to release.
                _linkDown = new CancellationTokenSource();
            }
        }
        else
        {
            // Wake the senders that wait for room: the link they wait on is gone.
            _linkDown.Cancel();
        }

        _inbox.Writer.TryWrite(LoopbackItem.LinkState(up));
    }

    private async ValueTask SendSlowAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        CancellationToken linkDown;
        lock (_link.Gate)
        {
            if (!_link.IsUpLocked)
            {
                ThrowHelper.ThrowLinkDown();
            }

            linkDown = _linkDown.Token;
        }

        using CancellationTokenSource? timer = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, _link.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linkDown, timer?.Token ?? CancellationToken.None);
        try
        {
            await _credits.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (linkDown.IsCancellationRequested)
            {
                ThrowHelper.ThrowLinkDown();
            }

            ThrowHelper.ThrowTimeout(timeout);
        }

        Enqueue(source, destination, payload.Span);
    }

    private void Validate(RpmsgAddress source, RpmsgAddress destination, int length)
    {
        if (length > Mtu)
        {
            ThrowHelper.ThrowPayloadTooLarge(length, Mtu);
        }

        if (source > MaxAddress)
        {
            ThrowHelper.ThrowAddressOutOfRange(nameof(source), source, MaxAddress.Value);
        }

        if (destination > MaxAddress)
        {
            ThrowHelper.ThrowAddressOutOfRange(nameof(destination), destination, MaxAddress.Value);
        }
    }

    private void ThrowIfLinkDown()
    {
        if (!_link.IsUp)
        {
            ThrowHelper.ThrowLinkDown();
        }
    }

    // Called with a credit held. The link check and the write happen under the link's lock, so a
    // frame is either queued ahead of a link-down report or refused; never queued behind one.
    private void Enqueue(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        lock (_link.Gate)
        {
            if (_link.IsUpLocked && Peer._inbox.Writer.TryWrite(LoopbackItem.Frame(source, destination, buffer, payload.Length, Activity.Current?.Context ?? default)))
            {
                return;
            }
        }

        ArrayPool<byte>.Shared.Return(buffer);
        _credits.Release();
        ThrowHelper.ThrowLinkDown();
    }

    private async Task PumpAsync()
    {
        IRpmsgTransportHandler handler = _handler!;
        CancellationToken stopping = _disposed.Token;
        ChannelReader<LoopbackItem> reader = _inbox.Reader;

        // The reads use no token (the channel's pooled waiter then serves every read without
        // allocating); disposal completes the channel instead.
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out LoopbackItem item))
            {
                try
                {
                    if (item.Buffer is null)
                    {
                        await handler.OnLinkStateChangedAsync(item.IsUp, stopping).ConfigureAwait(false);
                    }
                    else
                    {
                        await handler.OnReceiveAsync(item.Source, item.Destination, item.Buffer.AsMemory(0, item.Length), item.SenderContext, stopping).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    ReturnBuffer(item);
                    return;
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // The handler must not throw; if it does anyway, that frame is lost to it, but the
                    // link keeps running for every other frame.
                }

                ReturnBuffer(item);
            }
        }
    }

    private void ReturnBuffer(LoopbackItem item)
    {
        if (item.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
            Peer._credits.Release();
        }
    }
}
