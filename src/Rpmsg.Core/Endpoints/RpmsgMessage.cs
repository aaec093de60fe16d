using System.Buffers;
using System.Diagnostics;

namespace Rpmsg.Core;

/// <summary>A received message, taken from an endpoint's queue; dispose it to return its buffer to the pool.</summary>
/// <remarks>
/// The payload lives in a pooled buffer, and the message object itself is pooled. Both stay valid until
/// <see cref="Dispose"/>. After that the bus may hand the same object out for a later message, so neither the
/// message nor any memory taken from it may be used, and it must not be disposed again (as with any pooled
/// <see cref="System.Buffers.IMemoryOwner{T}"/>). A second <see cref="Dispose"/> before the object was reused does nothing.
/// </remarks>
public sealed class RpmsgMessage : IDisposable
{
    private readonly RpmsgMessagePool _pool;
    private byte[]? _buffer;
    private int _length;

    internal RpmsgMessage(RpmsgMessagePool pool) => _pool = pool;

    /// <summary>Gets the address of the endpoint that sent the message.</summary>
    public RpmsgAddress Source { get; private set; }

    /// <summary>Gets the address the message was sent to (the receiving endpoint's address).</summary>
    public RpmsgAddress Destination { get; private set; }

    /// <summary>Gets the trace context of the span that sent the message, when the transport carried it; default otherwise.</summary>
    /// <remarks>A service that handles the message starts its own span with this as the parent, so request and reply are one trace.</remarks>
    public ActivityContext TraceContext { get; private set; }

    /// <summary>Gets the payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>Gets the payload.</summary>
    /// <exception cref="ObjectDisposedException">The message was disposed.</exception>
    public ReadOnlyMemory<byte> Payload => new(Buffer, 0, _length);

    /// <summary>Gets the payload as a span.</summary>
    /// <exception cref="ObjectDisposedException">The message was disposed.</exception>
    public ReadOnlySpan<byte> Span => new(Buffer, 0, _length);

    private byte[] Buffer
    {
        get
        {
            byte[]? buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return buffer;
        }
    }

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is null)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(buffer);
        _pool.Return(this);
    }

    internal void Fill(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload, ActivityContext traceContext)
    {
        TraceContext = traceContext;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        Source = source;
        Destination = destination;
        _length = payload.Length;
        Volatile.Write(ref _buffer, buffer);
    }
}
