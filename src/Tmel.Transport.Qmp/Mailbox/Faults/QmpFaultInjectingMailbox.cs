using System.Buffers.Binary;
using System.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>
/// An <see cref="IQmpMailbox"/> decorator that injects faults into what crosses one side's mailbox: lost, duplicated and
/// delayed doorbell rings, a stalled peer, a peer link reset in the middle of a multi-fragment message, a peer channel reset,
/// corrupted descriptor fields and corrupted payload bytes (<see cref="QmpFaultKind"/>; docs/reliability.md).
/// </summary>
/// <remarks>
/// <para>
/// Wrap the mailbox a <see cref="QmpLink"/> is built on. The decorated side is "this side"; the faults are what its peer
/// would do or what the wire would do to it: rings this side sends are lost, doubled, delayed or held; fragments this side
/// writes reach the peer's view with a bad <c>frag_size</c>, an out-of-sequence <c>rem_frag_count</c>, a toggle without its
/// data or a changed payload byte (the descriptor word itself, its toggles and the reserved address word are never
/// corrupted); a peer reset makes this side read the peer's mailbox as reset and shows the peer this side's channel going down,
/// so both sides reset their channels, as they would if the peer had really reset. A corruption stays in the mailbox until this
/// side writes its next fragment, as a corrupted register would.
/// </para>
/// <para>
/// Deterministic: one seeded <see cref="Random"/> per kind of operation (rings, fragment writes, peer reads), owned by the
/// decorator, decides each opportunity in turn, so the n-th ring, the n-th fragment write and the n-th read get the same
/// decision for a seed, whatever the thread timing. Which message the n-th operation belongs to depends on how the two
/// sides' threads interleave, which the injector does not control; on the same sequence of operations the fault sequence is
/// identical. Delays and stalls are measured with the <see cref="TimeProvider"/>.
/// </para>
/// <para>Thread-safe. Disposing stops pending delayed rings; it does not dispose the inner mailbox.</para>
/// </remarks>
public sealed class QmpFaultInjectingMailbox : IQmpMailbox, IQmpTraceSideband, IDisposable
{
    /// <summary>The kinds that share one opportunity: a ring, a fragment write, a read of the peer's mailbox.</summary>
    internal static readonly QmpFaultKind[][] Groups =
    [
        [QmpFaultKind.LostRing, QmpFaultKind.DuplicatedRing, QmpFaultKind.DelayedRing, QmpFaultKind.StalledPeer],
        [QmpFaultKind.BadFragmentSize, QmpFaultKind.FragmentCountOutOfSequence, QmpFaultKind.ToggleWithoutData, QmpFaultKind.CorruptedPayload],
        [QmpFaultKind.PeerLinkReset, QmpFaultKind.PeerChannelReset],
    ];

    private const uint ContinuationMarker = 0xFFFFFFFF;
    private const uint ConnectedBits = QmpDescriptor.LinkStateBit | QmpDescriptor.LinkStateAckBit | QmpDescriptor.ChannelStateBit | QmpDescriptor.ChannelStateAckBit;

    private readonly IQmpMailbox _inner;
    private readonly IQmpTraceSideband? _sideband;
    private readonly TimeProvider _time;
    private readonly double[] _rates;
    private readonly TimeSpan _ringDelay;
    private readonly TimeSpan _stallDuration;
    private readonly TimeSpan _resetHold;
    private readonly Action<QmpInjectedFault>? _onFault;
    private readonly Random _ringRandom;
    private readonly Random _writeRandom;
    private readonly Random _readRandom;
    private readonly long[] _counts = new long[Enum.GetValues<QmpFaultKind>().Length];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();

    // Under _gate.
    private readonly byte[] _lastOwn = new byte[QmpMailboxLayout.MailboxSize];
    private bool _hasLastOwn;
    private long _rings;
    private long _writes;
    private long _reads;
    private int _messageFragments;
    private Sticky _sticky;
    private long _stallUntil;
    private bool _ringHeld;
    private ResetPhase _phase;
    private long _phaseStarted;
    private bool _phaseWritten;
    private CancellationTokenSource? _waitCts;
    private bool _wakePending;
    private bool _enabled = true;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The mailbox whose traffic gets the faults.</param>
    /// <param name="options">The seed, the rates and the timings; copied now.</param>
    /// <param name="timeProvider">The clock of delayed rings, stalls and reset holds; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A timing is negative, or the rates sharing one opportunity add up to more than 1.</exception>
    public QmpFaultInjectingMailbox(IQmpMailbox inner, QmpFaultInjectionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _inner = inner;
        _sideband = inner as IQmpTraceSideband;
        _time = timeProvider ?? TimeProvider.System;
        _rates = [.. Enum.GetValues<QmpFaultKind>().Select(options.GetRate)];
        _ringDelay = options.RingDelay;
        _stallDuration = options.StallDuration;
        _resetHold = options.ResetHold;
        _onFault = options.OnFault;
        _ringRandom = new Random(Derive(options.Seed, 1));
        _writeRandom = new Random(Derive(options.Seed, 2));
        _readRandom = new Random(Derive(options.Seed, 3));
    }

    private enum ResetPhase
    {
        None,
        Link,
        Channel,
    }

    /// <inheritdoc/>
    public int OwnOffset => _inner.OwnOffset;

    /// <inheritdoc/>
    public int PeerOffset => _inner.PeerOffset;

    /// <summary>Gets or sets a value indicating whether faults are injected; while <see langword="false"/> every operation passes through unchanged and no opportunity is counted.</summary>
    /// <value>Default <see langword="true"/>. A reset or stall under way finishes on its own.</value>
    public bool IsEnabled
    {
        get => Volatile.Read(ref _enabled);
        set => Volatile.Write(ref _enabled, value);
    }

    /// <summary>Gets the total number of faults injected so far.</summary>
    public long TotalInjected => _counts.Sum(c => Interlocked.Read(ref c));

    /// <summary>Gets how many faults of <paramref name="kind"/> were injected so far.</summary>
    /// <param name="kind">The fault kind.</param>
    /// <returns>The count.</returns>
    public long GetCount(QmpFaultKind kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>Returns how many faults of each kind were injected so far.</summary>
    /// <returns>A count for every kind, zeros included.</returns>
    public IReadOnlyDictionary<QmpFaultKind, long> GetCounts() => Enum.GetValues<QmpFaultKind>().ToDictionary(k => k, GetCount);

    /// <inheritdoc/>
    public void ReadPeer(Span<byte> destination)
    {
        _inner.ReadPeer(destination);
        QmpInjectedFault? fault = null;
        bool ringPeer = false;
        bool wakeLater = false;
        lock (_gate)
        {
            var peer = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(destination));
            if (_phase != ResetPhase.None)
            {
                // The reset lasts until this side reacted (it wrote while the peer looked reset) and the real peer saw this
                // side's channel go down (it cleared its ack of our level), or until the hold passed.
                bool seen = _phaseWritten && !peer.ChannelStateAck;
                if (seen || _time.GetElapsedTime(_phaseStarted) >= _resetHold)
                {
                    if (_phase == ResetPhase.Channel && _hasLastOwn)
                    {
                        // This side's real word again (its channel level was hidden while the peer was "reset").
                        _inner.WriteOwn(_lastOwn);
                    }

                    _phase = ResetPhase.None;
                    ringPeer = true;
                }
                else
                {
                    Present(destination, _phase);
                }
            }
            else if (_enabled)
            {
                long opportunity = _reads++;
                QmpFaultKind? kind = Draw(_readRandom, 2);
                var own = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(_lastOwn));
                bool connected = _hasLastOwn && (own.Value & ConnectedBits) == ConnectedBits && peer.LinkState && peer.ChannelState && peer.ChannelStateAck;
                bool midMessage = peer.RemainingFragments > 0 || own.RemainingFragments > 0;
                if (connected && (kind == QmpFaultKind.PeerChannelReset || (kind == QmpFaultKind.PeerLinkReset && midMessage)))
                {
                    _phase = kind == QmpFaultKind.PeerLinkReset ? ResetPhase.Link : ResetPhase.Channel;
                    _phaseStarted = _time.GetTimestamp();
                    _phaseWritten = false;
                    Present(destination, _phase);
                    fault = Count(kind.Value, opportunity);
                    wakeLater = true;
                }
            }
        }

        if (ringPeer)
        {
            _inner.RingPeerDoorbell();
        }

        if (wakeLater)
        {
            // If the peer never reacts (its ring lost, say), this side re-reads after the hold and the peer comes back anyway.
            After(_resetHold, static self => self.WakeSelf());
        }

        Report(fault);
    }

    /// <inheritdoc/>
    public void WriteOwn(ReadOnlySpan<byte> mailbox)
    {
        if (mailbox.Length != QmpMailboxLayout.MailboxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(mailbox), mailbox.Length, $"A mailbox is exactly {QmpMailboxLayout.MailboxSize} bytes.");
        }

        QmpInjectedFault? fault = null;
        Span<byte> written = stackalloc byte[QmpMailboxLayout.MailboxSize];
        mailbox.CopyTo(written);
        lock (_gate)
        {
            var word = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(mailbox));
            var previous = new QmpDescriptor(BinaryPrimitives.ReadUInt32LittleEndian(_lastOwn));
            bool fragment = _hasLastOwn && word.Tx != previous.Tx
                && (word.Value & ConnectedBits) == ConnectedBits && (previous.Value & ConnectedBits) == ConnectedBits;
            if (fragment && _enabled)
            {
                _sticky = default;
                fault = InjectIntoFragment(word, written);
            }
            else if (_sticky.Active && word.Tx == _sticky.Tx && word.FragmentSize == _sticky.FragmentSize && word.RemainingFragments == _sticky.RemainingFragments)
            {
                // The fragment is still in the mailbox: so is its corruption.
                _sticky.Apply(written);
            }
            else
            {
                _sticky = default;
            }

            mailbox.CopyTo(_lastOwn);
            _hasLastOwn = true;
            if (_phase != ResetPhase.None)
            {
                // The peer sees this side's channel go down, as it would after a real reset on its side.
                BinaryPrimitives.WriteUInt32LittleEndian(written, BinaryPrimitives.ReadUInt32LittleEndian(written) & ~QmpDescriptor.ChannelStateBit);
                _phaseWritten = true;
            }

            _inner.WriteOwn(written);
        }

        Report(fault);
    }

    /// <inheritdoc/>
    public void RingPeerDoorbell()
    {
        QmpInjectedFault? fault = null;
        bool ring = true;
        bool twice = false;
        bool delay = false;
        bool stall = false;
        lock (_gate)
        {
            long opportunity = _enabled ? _rings++ : -1;
            QmpFaultKind? kind = _enabled ? Draw(_ringRandom, 0) : null;
            if (_time.GetTimestamp() < _stallUntil)
            {
                // The peer is stalled: the ring reaches it when the stall ends.
                _ringHeld = true;
                ring = false;
            }
            else if (kind is { } k)
            {
                fault = Count(k, opportunity);
                switch (k)
                {
                    case QmpFaultKind.LostRing:
                        ring = false;
                        break;
                    case QmpFaultKind.DuplicatedRing:
                        twice = true;
                        break;
                    case QmpFaultKind.DelayedRing:
                        ring = false;
                        delay = true;
                        break;
                    default:
                        _stallUntil = _time.GetTimestamp() + (long)(_stallDuration.TotalSeconds * _time.TimestampFrequency);
                        _ringHeld = true;
                        ring = false;
                        stall = true;
                        break;
                }
            }
        }

        if (ring)
        {
            _inner.RingPeerDoorbell();
            if (twice)
            {
                _inner.RingPeerDoorbell();
            }
        }

        if (delay)
        {
            After(_ringDelay, static self => self._inner.RingPeerDoorbell());
        }

        if (stall)
        {
            After(_stallDuration, static self => self.EndStall());
        }

        Report(fault);
    }

    /// <inheritdoc/>
    public async ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? wait = null;
        lock (_gate)
        {
            if (_wakePending)
            {
                _wakePending = false;
            }
            else
            {
                wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _waitCts = wait;
            }
        }

        if (wait is not null)
        {
            try
            {
                await _inner.WaitForDoorbellAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Our own wake-up (the end of a stall or of a reset hold) is a doorbell; the caller's token is not.
                cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                lock (_gate)
                {
                    _waitCts = null;
                }

                wait.Dispose();
            }
        }

        // A stalled peer's rings reach this side only when the stall ends.
        TimeSpan hold = StallRemaining();
        if (hold > TimeSpan.Zero)
        {
            await Task.Delay(hold, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    void IQmpTraceSideband.PostSenderContext(ActivityContext context) => _sideband?.PostSenderContext(context);

    ActivityContext IQmpTraceSideband.TakePeerSenderContext() => _sideband?.TakePeerSenderContext() ?? default;

    private static int Derive(int seed, int stream) => HashCode.Combine(seed, stream, 0x51A7);

    /// <summary>Shows this side the peer as a reset would leave it: all cleared (link), or its channel level down (channel).</summary>
    private static void Present(Span<byte> destination, ResetPhase phase)
    {
        uint descriptor = BinaryPrimitives.ReadUInt32LittleEndian(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, phase == ResetPhase.Link ? 0u : descriptor & ~QmpDescriptor.ChannelStateBit);
    }

    /// <summary>Decides one opportunity of a group: one draw, at most one kind.</summary>
    private QmpFaultKind? Draw(Random random, int group)
    {
        double roll = random.NextDouble();
        double sum = 0;
        foreach (QmpFaultKind kind in Groups[group])
        {
            sum += _rates[(int)kind];
            if (roll < sum)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Decides and applies a fault to one fragment write (under the gate).</summary>
    private QmpInjectedFault? InjectIntoFragment(QmpDescriptor word, Span<byte> written)
    {
        long opportunity = _writes++;
        QmpFaultKind? kind = Draw(_writeRandom, 1);
        byte size = word.FragmentSize;
        byte remaining = word.RemainingFragments;
        int index;
        if (BinaryPrimitives.ReadUInt32LittleEndian(written[QmpMailboxLayout.ReservedOffset..]) == ContinuationMarker)
        {
            index = Math.Max(0, _messageFragments - 1 - remaining);
        }
        else
        {
            _messageFragments = remaining + 1;
            index = 0;
        }

        var sticky = new Sticky { Active = true, Tx = word.Tx, FragmentSize = size, RemainingFragments = remaining };
        QmpInjectedFault? fault = null;
        switch (kind)
        {
            case QmpFaultKind.BadFragmentSize:
                sticky.NewDescriptor = word.WithFragment(QmpMailboxLayout.MaxFragmentSize + 1, remaining).Value;
                fault = Count(QmpFaultKind.BadFragmentSize, opportunity);
                break;
            case QmpFaultKind.FragmentCountOutOfSequence:
                {
                    // Never 0 on a first fragment: that would make a long message's first fragment a complete short one,
                    // which no receiver could tell from a real short message.
                    int step = 1 + _writeRandom.Next(3);
                    int changed = remaining + step <= byte.MaxValue ? remaining + step : remaining - step;
                    sticky.NewDescriptor = word.WithFragment(size, (byte)changed).Value;
                    fault = Count(QmpFaultKind.FragmentCountOutOfSequence, opportunity);
                    break;
                }

            case QmpFaultKind.ToggleWithoutData when remaining > 0:
                sticky.NewDescriptor = word.WithFragment(0, remaining).Value;
                sticky.ClearPayload = true;
                fault = Count(QmpFaultKind.ToggleWithoutData, opportunity);
                break;
            case QmpFaultKind.CorruptedPayload when size is > 0 and <= QmpMailboxLayout.MaxFragmentSize:
                {
                    int offset = _writeRandom.Next(size);
                    byte mask = (byte)_writeRandom.Next(1, 256);
                    sticky.PayloadOffset = offset;
                    sticky.XorMask = mask;
                    fault = Count(QmpFaultKind.CorruptedPayload, opportunity, (index * QmpMailboxLayout.MaxFragmentSize) + offset, mask);
                    break;
                }
        }

        if (fault is not null)
        {
            _sticky = sticky;
            _sticky.Apply(written);
        }

        return fault;
    }

    private QmpInjectedFault Count(QmpFaultKind kind, long opportunity, int messageOffset = -1, byte mask = 0)
    {
        Interlocked.Increment(ref _counts[(int)kind]);
        return new QmpInjectedFault(kind, opportunity, messageOffset, mask);
    }

    private void Report(QmpInjectedFault? fault)
    {
        if (fault is { } f)
        {
            _onFault?.Invoke(f);
        }
    }

    private TimeSpan StallRemaining()
    {
        long until = Volatile.Read(ref _stallUntil);
        long now = _time.GetTimestamp();
        return now >= until ? TimeSpan.Zero : TimeSpan.FromSeconds((double)(until - now) / _time.TimestampFrequency);
    }

    private void EndStall()
    {
        bool ring;
        lock (_gate)
        {
            ring = _ringHeld;
            _ringHeld = false;
        }

        if (ring)
        {
            _inner.RingPeerDoorbell();
        }

        WakeSelf();
    }

    /// <summary>Wakes this side's doorbell wait (or the next one) as a ring would.</summary>
    private void WakeSelf()
    {
        CancellationTokenSource? wait;
        lock (_gate)
        {
            wait = _waitCts;
            if (wait is null)
            {
                _wakePending = true;
            }
        }

        try
        {
            wait?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended on its own meanwhile: it re-reads the mailbox anyway.
        }
    }

    private void After(TimeSpan delay, Action<QmpFaultInjectingMailbox> action) => _ = AfterAsync(delay, action);

    private async Task AfterAsync(TimeSpan delay, Action<QmpFaultInjectingMailbox> action)
    {
        try
        {
            await Task.Delay(delay, _time, _disposed.Token).ConfigureAwait(false);
            action(this);
        }
        catch (OperationCanceledException)
        {
            // Disposed: nothing more is injected.
        }
        catch (ObjectDisposedException)
        {
            // The inner mailbox (or this one) went away first.
        }
    }

    /// <summary>A corruption applied to a fragment, re-applied to every write while the fragment stays in the mailbox.</summary>
    private struct Sticky
    {
        public bool Active;
        public bool Tx;
        public byte FragmentSize;
        public byte RemainingFragments;
        public uint? NewDescriptor;
        public bool ClearPayload;
        public int PayloadOffset;
        public byte XorMask;

        public readonly void Apply(Span<byte> mailbox)
        {
            if (NewDescriptor is { } descriptor)
            {
                // Keep the writer's current toggles and acks; only the fragment fields are the corrupted ones.
                uint current = BinaryPrimitives.ReadUInt32LittleEndian(mailbox);
                BinaryPrimitives.WriteUInt32LittleEndian(mailbox, (current & 0x0000FFFFu) | (descriptor & 0xFFFF0000u));
            }

            if (ClearPayload)
            {
                mailbox[QmpMailboxLayout.PayloadOffset..QmpMailboxLayout.ReservedOffset].Clear();
            }

            if (XorMask != 0)
            {
                mailbox[QmpMailboxLayout.PayloadOffset + PayloadOffset] ^= XorMask;
            }
        }
    }
}
