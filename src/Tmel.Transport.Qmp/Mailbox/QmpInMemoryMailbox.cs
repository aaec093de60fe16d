using System.Buffers.Binary;
using System.Diagnostics;

namespace Tmel.Transport.Qmp;

/// <summary>Both sides of QMP in one process: a 0x2000-byte window laid out as the RFC's, and two in-process doorbells.</summary>
public sealed class QmpInMemoryMailbox : IQmpMailbox, IQmpTraceSideband, IQmpInlineDoorbell
{
    /// <summary>The default number of spin rounds a doorbell waiter makes before it parks: 0, it parks at once.</summary>
    /// <remarks>
    /// Measured on the 2-core machines this project runs on (benchmarks/TmelRpmsg.Benchmarks, QmpRoundTripBenchmarks):
    /// spinning 64 rounds before parking made a 24-byte echo 3 to 5 times slower and a 6144-byte echo 13 to 28 times
    /// slower, because the spinning receive loop holds a core the dispatcher and the peer need. Spin only where cores
    /// are to spare.
    /// </remarks>
    public const int DefaultSpinCount = 0;

    private readonly byte[] _window;
    private readonly QmpDoorbell _own;
    private readonly QmpDoorbell _peer;
    private readonly TraceSlot _ownSlot;
    private readonly TraceSlot _peerSlot;

    private QmpInMemoryMailbox(byte[] window, int ownOffset, int peerOffset, QmpDoorbell own, QmpDoorbell peer, TraceSlot ownSlot, TraceSlot peerSlot)
    {
        _ownSlot = ownSlot;
        _peerSlot = peerSlot;
        _window = window;
        OwnOffset = ownOffset;
        PeerOffset = peerOffset;
        _own = own;
        _peer = peer;
    }

    /// <inheritdoc/>
    public int OwnOffset { get; }

    /// <inheritdoc/>
    public int PeerOffset { get; }

    /// <summary>Creates the two views of one window: the local (APPS) side owns offset 0x0000, the remote (TME-L) side 0x1000.</summary>
    /// <param name="spinCount">Spin rounds before a doorbell waiter parks; 0 parks at once.</param>
    /// <returns>The local and the remote view.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="spinCount"/> is negative.</exception>
    public static (QmpInMemoryMailbox Local, QmpInMemoryMailbox Remote) CreatePair(int spinCount = DefaultSpinCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spinCount);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The in-memory window keeps descriptors as native words, which matches the wire only on little-endian machines.");
        }

        byte[] window = new byte[QmpMailboxLayout.WindowSize];
        var localBell = new QmpDoorbell(spinCount);
        var remoteBell = new QmpDoorbell(spinCount);
        var localSlot = new TraceSlot();
        var remoteSlot = new TraceSlot();
        return (
            new QmpInMemoryMailbox(window, QmpMailboxLayout.LocalMailboxOffset, QmpMailboxLayout.RemoteMailboxOffset, localBell, remoteBell, localSlot, remoteSlot),
            new QmpInMemoryMailbox(window, QmpMailboxLayout.RemoteMailboxOffset, QmpMailboxLayout.LocalMailboxOffset, remoteBell, localBell, remoteSlot, localSlot));
    }

    /// <inheritdoc/>
    public void ReadPeer(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, QmpMailboxLayout.MailboxSize, nameof(destination));
        uint descriptor = Volatile.Read(ref DescriptorWord(PeerOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, descriptor);
        _window.AsSpan(PeerOffset + QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MailboxSize - QmpMailboxLayout.PayloadOffset).CopyTo(destination[QmpMailboxLayout.PayloadOffset..]);
    }

    /// <inheritdoc/>
    public void WriteOwn(ReadOnlySpan<byte> mailbox)
    {
        if (mailbox.Length != QmpMailboxLayout.MailboxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(mailbox), mailbox.Length, $"A mailbox is exactly {QmpMailboxLayout.MailboxSize} bytes.");
        }

        // A slice of constant length: the copy is two vector moves, not a call.
        mailbox.Slice(QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MailboxSize - QmpMailboxLayout.PayloadOffset).CopyTo(_window.AsSpan(OwnOffset + QmpMailboxLayout.PayloadOffset));
        Volatile.Write(ref DescriptorWord(OwnOffset), BinaryPrimitives.ReadUInt32LittleEndian(mailbox));
    }

    /// <inheritdoc/>
    public void RingPeerDoorbell() => _peer.Ring();

    /// <inheritdoc/>
    public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken) => _own.WaitAsync(cancellationToken);

    void IQmpInlineDoorbell.RingPeerDoorbell(bool allowInlineWake) => _peer.Ring(allowInlineWake);

    void IQmpInlineDoorbell.SetInlineRingHandler(IQmpInlineRingHandler? handler) => _own.SetInlineHandler(handler);

    bool IQmpInlineDoorbell.TryKeepAndRingPeer(IQmpInlineRingHandler handler, QmpInlineRingLoop loop) => _peer.TryKeepAndRing(_own, handler, loop);

    void IQmpInlineDoorbell.LetKeptGo() => QmpDoorbell.LetKeptGo();

    /// <summary>Returns a copy of the whole window, as an operator's dump of the registers would show it.</summary>
    /// <returns>The 0x2000 bytes.</returns>
    public byte[] SnapshotWindow() => (byte[])_window.Clone();

    void IQmpTraceSideband.PostSenderContext(ActivityContext context) => _ownSlot.Set(context);

    ActivityContext IQmpTraceSideband.TakePeerSenderContext() => _peerSlot.Published;

    // The descriptor word is stored little-endian; CreatePair refuses big-endian machines.
    private ref uint DescriptorWord(int offset) =>
        ref System.Runtime.CompilerServices.Unsafe.As<byte, uint>(ref _window[offset]);

    /// <summary>
    /// One direction's sender context, without a lock: the sender writes the spare of two copies and then publishes it, the
    /// receiver reads the published one. The sender posts once per message, before its first fragment; a second post while
    /// the receiver reads would need a channel reset and reopen meanwhile, which waits for the receiver's actor, so a read
    /// never sees a copy being written.
    /// </summary>
    private sealed class TraceSlot
    {
        private readonly ActivityContext[] _contexts = new ActivityContext[2];
        private int _published;

        public void Set(ActivityContext context)
        {
            int spare = _published ^ 1;
            _contexts[spare] = context;
            Volatile.Write(ref _published, spare);
        }

        public ActivityContext Published => _contexts[Volatile.Read(ref _published)];
    }
}
