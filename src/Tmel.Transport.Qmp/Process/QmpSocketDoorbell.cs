using System.Net;
using System.Net.Sockets;

namespace Tmel.Transport.Qmp;

/// <summary>
/// The doorbells of a cross-process mailbox: this side's Unix datagram socket (bound at its path; any datagram that
/// arrives rings it) and the peer's socket path (one datagram rings the peer).
/// </summary>
/// <remarks>
/// <para>A ring while nobody is bound at the peer's path, or while the peer's socket queue is full, is dropped: the peer
/// reads the descriptor when it attaches, and a full queue already holds rings it has not taken. Ringing never blocks.</para>
/// <para>Waiting polls the peer's descriptor briefly before it blocks in <c>recv</c>, but only while polling has paid off
/// recently (<see cref="QmpSpinPolicy"/>), so an idle link sleeps in the kernel and a busy one wakes without a system call.
/// A wait that the poll ended leaves that write's datagram queued; it completes a later wait at once, and the link then
/// re-reads a mailbox that has not changed, which it treats as nothing new. No ring is ever lost.</para>
/// </remarks>
internal sealed class QmpSocketDoorbell : IDisposable
{
    private readonly Socket _own;
    private readonly Socket _sender;
    private readonly SocketAddress _peerAddress;
    private readonly byte[] _ringByte = [1];
    private readonly byte[] _receiveBuffer = new byte[64];
    private readonly QmpSpinPolicy _spin;
    private readonly TimeProvider _time;
    private long _droppedRings;

    public QmpSocketDoorbell(string ownPath, string peerPath, QmpSpinPolicy spin, TimeProvider time)
    {
        _spin = spin;
        _time = time;

        // The path is ours (the directory's lock or the client lock says so): a socket file left by a killed owner goes.
        File.Delete(ownPath);
        _own = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            _own.Bind(new UnixDomainSocketEndPoint(ownPath));
        }
        catch
        {
            _own.Dispose();
            throw;
        }

        OwnPath = ownPath;
        _sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        _peerAddress = new UnixDomainSocketEndPoint(peerPath).Serialize();
    }

    public string OwnPath { get; }

    /// <summary>Gets how many rings were dropped because the peer was not bound or its queue was full.</summary>
    public long DroppedRings => Interlocked.Read(ref _droppedRings);

    public void Ring()
    {
        try
        {
            _sender.SendTo(_ringByte, SocketFlags.None, _peerAddress);
        }
        catch (SocketException)
        {
            // Nobody bound (ENOENT, ECONNREFUSED) or the peer's queue is full (EAGAIN): a ring nobody needs to hear now.
            Interlocked.Increment(ref _droppedRings);
        }
        catch (ObjectDisposedException)
        {
            // Ringing after this side closed its doorbells rings nobody.
        }
    }

    /// <summary>Waits for a ring, or (while polling pays) for <paramref name="peerChanged"/> to report a new peer write.</summary>
    public ValueTask WaitAsync(Func<bool> peerChanged, CancellationToken cancellationToken)
    {
        if (peerChanged())
        {
            return default;
        }

        int rounds = _spin.Rounds;
        if (rounds > 0)
        {
            var spinner = default(SpinWait);
            for (int i = 0; i < rounds; i++)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                if (peerChanged())
                {
                    _spin.Paid();
                    return default;
                }

                if (_own.Available > 0)
                {
                    break;
                }
            }

            _spin.Wasted();
        }

        return ReceiveAsync(cancellationToken);
    }

    /// <summary>Blocks until a ring arrives or <paramref name="timeout"/> passes; for use before any asynchronous wait.</summary>
    /// <returns>Whether a ring arrived.</returns>
    public bool WaitBlocking(TimeSpan timeout)
    {
        _own.ReceiveTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
        try
        {
            _own.Receive(_receiveBuffer);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return false;
        }
        finally
        {
            _own.ReceiveTimeout = 0;
        }
    }

    public void Dispose()
    {
        _own.Dispose();
        _sender.Dispose();
        try
        {
            File.Delete(OwnPath);
        }
        catch (IOException)
        {
            // Best effort: the next owner deletes a stale socket file before it binds.
        }
    }

    private async ValueTask ReceiveAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        await _own.ReceiveAsync(_receiveBuffer.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _spin.Blocked(_time.GetElapsedTime(started));
    }
}
