namespace Rpmsg.Core;

/// <summary>
/// An in-process link between two transports, so that two <see cref="RpmsgBus"/> instances in one process talk
/// to each other. Each direction has a bounded transmit queue, so both the waiting and the fail-fast send paths
/// are real; the link can be taken down and brought up again to exercise link loss.
/// </summary>
/// <remarks>
/// The link is up once both transports have been started (attached to a bus) and it is not held down by
/// <see cref="SetLinkDown"/>. Frames queued before the link goes down are still delivered, before the
/// link-down report, so a frame the sender was told was taken is never lost.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Each transport is owned and disposed by the bus it is attached to.")]
public sealed class RpmsgLoopback
{
    private readonly Lock _gate = new();
    private readonly LoopbackTransport _first;
    private readonly LoopbackTransport _second;
    private bool _heldDown;
    private bool _up;

    /// <summary>Creates a link with two unattached transports.</summary>
    /// <param name="options">Queue depth, MTU and address range; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for transmit timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RpmsgLoopback(RpmsgLoopbackOptions? options = null, TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        options ??= new RpmsgLoopbackOptions();
        options.Validate();
        _first = new LoopbackTransport(this, options);
        _second = new LoopbackTransport(this, options);
        _first.Peer = _second;
        _second.Peer = _first;
    }

    /// <summary>Gets one end of the link.</summary>
    public IRpmsgTransport First => _first;

    /// <summary>Gets the other end of the link.</summary>
    public IRpmsgTransport Second => _second;

    /// <summary>Gets a value indicating whether the link is up.</summary>
    public bool IsUp
    {
        get
        {
            lock (_gate)
            {
                return _up;
            }
        }
    }

    /// <summary>Takes the link down: both buses see link loss, and senders fail with <see cref="RpmsgError.LinkDown"/>.</summary>
    public void SetLinkDown()
    {
        lock (_gate)
        {
            _heldDown = true;
            UpdateLocked();
        }
    }

    /// <summary>Lets the link come up again once both ends are started.</summary>
    public void SetLinkUp()
    {
        lock (_gate)
        {
            _heldDown = false;
            UpdateLocked();
        }
    }

    internal Lock Gate => _gate;

    internal TimeProvider TimeProvider { get; }

    internal bool IsUpLocked => _up;

    internal void OnTransportStateChanged()
    {
        lock (_gate)
        {
            UpdateLocked();
        }
    }

    private void UpdateLocked()
    {
        bool up = !_heldDown && _first.IsRunningLocked && _second.IsRunningLocked;
        if (up == _up)
        {
            return;
        }

        _up = up;
        _first.EnqueueLinkStateLocked(up);
        _second.EnqueueLinkStateLocked(up);
    }
}
