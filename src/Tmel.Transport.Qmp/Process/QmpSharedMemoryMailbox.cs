using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tmel.Transport.Qmp;

/// <summary>
/// One side of a QMP mailbox shared between two processes (docs/attach-a-peer.md): a memory-mapped window file of 0x2000
/// bytes laid out as the RFC's, a Unix datagram socket per side as the doorbells, and the subsystem's SRAM file.
/// </summary>
/// <remarks>
/// <para>This side writes only its own mailbox: bytes 4..31 first, then the descriptor with release semantics; it reads the
/// peer's descriptor first, with acquire semantics. Waiting polls the peer's descriptor briefly while that has paid off
/// recently, then blocks in the socket (about 0% CPU while idle).</para>
/// <para>The sender's W3C trace context travels in the sender's sideband, <see cref="QmpProcessLayout.TraceSidebandOffset"/>
/// bytes after its mailbox (outside both mailboxes, where hardware would not look): a valid word (1 when a context is
/// there), the 16-byte trace id, the 8-byte span id and the trace flags byte.</para>
/// <para>Create the APPS side with <see cref="AttachClient"/>; the simulator side comes from <see cref="QmpProcessDirectory"/>.</para>
/// </remarks>
public sealed class QmpSharedMemoryMailbox : IQmpMailbox, IQmpTraceSideband, IQmpOwnMailboxWatch, IDisposable
{
    /// <summary>How long an attaching client waits for the TME-L to acknowledge its reset before it starts anyway.</summary>
    public static readonly TimeSpan ResetAcknowledgeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The default most spin rounds a waiter polls before it blocks.</summary>
    public const int DefaultMaxSpinRounds = 256;

    /// <summary>How often a side checks that its own mailbox in the window still holds what it last wrote.</summary>
    internal static readonly TimeSpan OwnMailboxCheckInterval = TimeSpan.FromSeconds(1);

    private readonly QmpMappedFile _window;
    private readonly QmpMappedFile _sram;
    private readonly QmpSocketDoorbell _doorbell;
    private readonly FileStream? _clientLock;
    private readonly Func<bool> _peerChanged;
    private readonly Lock _ownLock = new();
    private readonly byte[] _lastOwn = new byte[QmpMailboxLayout.MailboxSize];
    private ITimer? _ownCheck;
    private Action? _ownMailboxCleared;
    private uint _lastPeerDescriptor;
    private long _ownMailboxResets;
    private bool _disposed;

    private QmpSharedMemoryMailbox(QmpRole role, QmpProcessSubsystemLayout subsystem, QmpMappedFile window, QmpMappedFile sram, QmpSocketDoorbell doorbell, FileStream? clientLock)
    {
        Role = role;
        Subsystem = subsystem;
        _window = window;
        _sram = sram;
        _doorbell = doorbell;
        _clientLock = clientLock;
        OwnOffset = role == QmpRole.Local ? QmpMailboxLayout.LocalMailboxOffset : QmpMailboxLayout.RemoteMailboxOffset;
        PeerOffset = role == QmpRole.Local ? QmpMailboxLayout.RemoteMailboxOffset : QmpMailboxLayout.LocalMailboxOffset;
        _peerChanged = PeerChanged;
        _lastPeerDescriptor = Volatile.Read(ref Word(PeerOffset));
    }

    /// <summary>Gets which side this is: <see cref="QmpRole.Local"/> for the APPS side, <see cref="QmpRole.Remote"/> for the TME-L.</summary>
    public QmpRole Role { get; }

    /// <summary>Gets the subsystem's files.</summary>
    public QmpProcessSubsystemLayout Subsystem { get; }

    /// <inheritdoc/>
    public int OwnOffset { get; }

    /// <inheritdoc/>
    public int PeerOffset { get; }

    /// <summary>Gets how many rings to the peer were dropped because nobody was bound at its socket or its queue was full.</summary>
    public long DroppedRings => _doorbell.DroppedRings;

    /// <summary>
    /// Gets how many times this side found its own mailbox overwritten by another writer (a contract violation: each side
    /// writes only its own) and reset the link by clearing it; see <see cref="CheckOwnMailbox"/>.
    /// </summary>
    public long OwnMailboxResets => Interlocked.Read(ref _ownMailboxResets);

    /// <summary>
    /// Attaches the APPS side to a running simulator: reads and checks <c>DIR/layout.json</c>, maps the subsystem's window and
    /// SRAM, takes the subsystem's client lock, binds <c>client.sock</c>, clears its own mailbox (a reset, as after power-on)
    /// and rings the TME-L.
    /// </summary>
    /// <param name="directory">The simulator's directory (<c>tmel simulator --dir</c>).</param>
    /// <param name="subsystem">The subsystem to attach as, for example <c>apps</c>.</param>
    /// <param name="timeProvider">Measures how fast blocked waits were woken (the spin policy); <see langword="null"/> for the system clock.</param>
    /// <param name="maxSpinRounds">The most spin rounds a waiter polls before it blocks; 0 never polls.</param>
    /// <returns>The mailbox; dispose it to detach.</returns>
    /// <exception cref="QmpProcessLayoutException">The layout is missing or malformed, lists no such subsystem, a file has the wrong size, or another client is attached to the subsystem.</exception>
    public static QmpSharedMemoryMailbox AttachClient(string directory, string subsystem = "apps", TimeProvider? timeProvider = null, int maxSpinRounds = DefaultMaxSpinRounds)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(subsystem);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSpinRounds);
        string root = Path.GetFullPath(directory);
        QmpProcessLayout layout = QmpProcessLayout.Read(root);
        QmpProcessSubsystemLayout files = layout.GetSubsystem(root, subsystem);
        FileStream clientLock = LockClient(Path.Combine(root, files.ClientLock));
        return Open(QmpRole.Local, root, files, clientLock, timeProvider ?? TimeProvider.System, maxSpinRounds);
    }

    /// <inheritdoc/>
    public void ReadPeer(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, QmpMailboxLayout.MailboxSize, nameof(destination));
        uint descriptor = Volatile.Read(ref Word(PeerOffset));
        Volatile.Write(ref _lastPeerDescriptor, descriptor);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, descriptor);
        Window.Slice(PeerOffset + QmpMailboxLayout.PayloadOffset, QmpMailboxLayout.MailboxSize - QmpMailboxLayout.PayloadOffset)
            .CopyTo(destination[QmpMailboxLayout.PayloadOffset..]);
    }

    /// <inheritdoc/>
    public void WriteOwn(ReadOnlySpan<byte> mailbox)
    {
        if (mailbox.Length != QmpMailboxLayout.MailboxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(mailbox), mailbox.Length, $"A mailbox is exactly {QmpMailboxLayout.MailboxSize} bytes.");
        }

        lock (_ownLock)
        {
            mailbox.CopyTo(_lastOwn);
            StoreOwnLocked(mailbox);
        }
    }

    /// <summary>
    /// Checks that this side's mailbox in the window still holds what this side last wrote. If another process wrote into
    /// it, the peer may have read anything (a toggle it acknowledged, a level), and restoring the old word could replay a
    /// fragment; so this side clears its mailbox and rings instead, the reset of docs/attach-a-peer.md: the peer resets its
    /// side, and both links re-negotiate through their normal paths. Runs every <see cref="OwnMailboxCheckInterval"/>.
    /// </summary>
    /// <returns>True when the mailbox had been overwritten and was cleared.</returns>
    internal bool CheckOwnMailbox()
    {
        lock (_ownLock)
        {
            if (_disposed || Window.Slice(OwnOffset, QmpMailboxLayout.MailboxSize).SequenceEqual(_lastOwn))
            {
                return false;
            }

            Array.Clear(_lastOwn);
            StoreOwnLocked(_lastOwn);
            Interlocked.Increment(ref _ownMailboxResets);
            _doorbell.Ring();
        }

        // Outside the lock: the link answers by writing its own word (a fresh bring-up) through WriteOwn.
        Volatile.Read(ref _ownMailboxCleared)?.Invoke();
        return true;
    }

    Action? IQmpOwnMailboxWatch.OwnMailboxCleared
    {
        set => Volatile.Write(ref _ownMailboxCleared, value);
    }

    /// <inheritdoc/>
    public void RingPeerDoorbell() => _doorbell.Ring();

    /// <inheritdoc/>
    public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken) => _doorbell.WaitAsync(_peerChanged, cancellationToken);

    /// <summary>Creates the subsystem's SRAM region over the mapped file, with the layout's bus address for byte 0.</summary>
    /// <returns>
    /// On the APPS side a region that allocates buffers (its bytes are zeroed now); on the TME-L side a region in which every
    /// range inside the SRAM counts as the peer's, since the peer allocates. Call it once per mailbox.
    /// </returns>
    public QmpSharedMemoryRegion CreateSharedMemoryRegion() =>
        new(_sram.Memory, Subsystem.SramBusAddress, peerAllocates: Role == QmpRole.Remote);

    /// <summary>Detaches: closes the doorbell socket (deleting its file), unmaps the files and releases the client lock.</summary>
    public void Dispose()
    {
        lock (_ownLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _ownCheck?.Dispose();
        _doorbell.Dispose();
        ((IDisposable)_window).Dispose();
        ((IDisposable)_sram).Dispose();
        _clientLock?.Dispose();
    }

    void IQmpTraceSideband.PostSenderContext(ActivityContext context)
    {
        Span<byte> slot = Window.Slice(OwnOffset + QmpProcessLayout.TraceSidebandOffset, QmpProcessLayout.TraceSidebandSize);
        if (context == default)
        {
            Volatile.Write(ref Word(OwnOffset + QmpProcessLayout.TraceSidebandOffset), 0);
            return;
        }

        context.TraceId.CopyTo(slot.Slice(4, 16));
        context.SpanId.CopyTo(slot.Slice(20, 8));
        slot[28] = (byte)context.TraceFlags;
        Volatile.Write(ref Word(OwnOffset + QmpProcessLayout.TraceSidebandOffset), 1);
    }

    ActivityContext IQmpTraceSideband.TakePeerSenderContext()
    {
        if (Volatile.Read(ref Word(PeerOffset + QmpProcessLayout.TraceSidebandOffset)) != 1)
        {
            return default;
        }

        ReadOnlySpan<byte> slot = Window.Slice(PeerOffset + QmpProcessLayout.TraceSidebandOffset, QmpProcessLayout.TraceSidebandSize);
        ActivityTraceId traceId = ActivityTraceId.CreateFromBytes(slot.Slice(4, 16));
        ActivitySpanId spanId = ActivitySpanId.CreateFromBytes(slot.Slice(20, 8));

        // An all-zero id from a hostile or confused peer is no context at all.
        return traceId == default || spanId == default ? default : new ActivityContext(traceId, spanId, (ActivityTraceFlags)(slot[28] & 1), isRemote: true);
    }

    /// <summary>Opens one side over a directory's files; the simulator side is created by <see cref="QmpProcessDirectory"/>.</summary>
    internal static QmpSharedMemoryMailbox Open(QmpRole role, string root, QmpProcessSubsystemLayout files, FileStream? clientLock, TimeProvider time, int maxSpinRounds)
    {
        QmpMappedFile? window = null;
        QmpMappedFile? sram = null;
        try
        {
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("The shared window keeps descriptors as native words, which matches the wire only on little-endian machines.");
            }

            window = QmpMappedFile.Open(Path.Combine(root, files.Window), QmpMailboxLayout.WindowSize);
            sram = QmpMappedFile.Open(Path.Combine(root, files.Sram), files.SramSize);
            string tmel = Path.Combine(root, files.TmelSocket);
            string client = Path.Combine(root, files.ClientSocket);
            var doorbell = new QmpSocketDoorbell(role == QmpRole.Local ? client : tmel, role == QmpRole.Local ? tmel : client, new QmpSpinPolicy(maxSpinRounds), time);
            var mailbox = new QmpSharedMemoryMailbox(role, files, window, sram, doorbell, clientLock);

            // A fresh side starts from a cleared mailbox (and no trace context), as after a reset, and tells the peer so.
            mailbox.WriteOwn(new byte[QmpMailboxLayout.MailboxSize]);
            Volatile.Write(ref mailbox.Word(mailbox.OwnOffset + QmpProcessLayout.TraceSidebandOffset), 0);
            mailbox.RingPeerDoorbell();
            if (role == QmpRole.Local)
            {
                mailbox.AwaitResetAcknowledged(time);
            }

            mailbox._ownCheck = time.CreateTimer(static state => ((QmpSharedMemoryMailbox)state!).CheckOwnMailbox(), mailbox, OwnMailboxCheckInterval, OwnMailboxCheckInterval);
            return mailbox;
        }
        catch
        {
            ((IDisposable?)window)?.Dispose();
            ((IDisposable?)sram)?.Dispose();
            clientLock?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits (bounded) until the TME-L has seen the reset: its link_state_ack is 0. Otherwise a link started at once could
    /// overwrite the zero before the TME-L read it, and a TME-L still connected to a previous client would never learn that
    /// a new one began. With no simulator running the wait ends at <see cref="ResetAcknowledgeTimeout"/>.
    /// </summary>
    private void AwaitResetAcknowledged(TimeProvider time)
    {
        long started = time.GetTimestamp();
        while (new QmpDescriptor(Volatile.Read(ref Word(PeerOffset))).LinkStateAck)
        {
            TimeSpan left = ResetAcknowledgeTimeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            _doorbell.WaitBlocking(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50));
        }
    }

    private static FileStream LockClient(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new QmpProcessLayoutException(path, "another client holds it: one client per subsystem is attached at a time.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new QmpProcessLayoutException(path, $"it cannot be opened: {ex.Message}", ex);
        }
    }

    private Span<byte> Window => _window.GetSpan();

    /// <summary>Bytes 4..31 first, then the descriptor with release semantics, as the contract asks of every writer.</summary>
    private void StoreOwnLocked(ReadOnlySpan<byte> mailbox)
    {
        mailbox[QmpMailboxLayout.PayloadOffset..].CopyTo(Window[(OwnOffset + QmpMailboxLayout.PayloadOffset)..]);
        Volatile.Write(ref Word(OwnOffset), BinaryPrimitives.ReadUInt32LittleEndian(mailbox));
    }

    private ref uint Word(int offset) => ref Unsafe.As<byte, uint>(ref Window[offset]);

    private bool PeerChanged() => Volatile.Read(ref Word(PeerOffset)) != Volatile.Read(ref _lastPeerDescriptor);
}
