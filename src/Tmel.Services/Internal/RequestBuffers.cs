using Rpmsg.Core;

namespace Tmel.Services.Internal;

/// <summary>
/// The shared-memory buffers of one request, freed together: by the call on every path, or, when the request was
/// abandoned, by the <see cref="RequestLane"/> that took them over (<see cref="Detach"/>) once the service can no longer
/// write into them.
/// </summary>
/// <remarks>Used by one call at a time; <see cref="Release"/> is idempotent.</remarks>
internal sealed class RequestBuffers
{
    private readonly IRpmsgSharedMemory _memory;
    private List<IRpmsgSharedBuffer> _allocated = new(4);

    public RequestBuffers(IRpmsgSharedMemory memory) => _memory = memory;

    /// <summary>Gets how many buffers are held.</summary>
    public int Count => _allocated.Count;

    /// <summary>Allocates a buffer of <paramref name="length"/> bytes that is freed with the others.</summary>
    /// <exception cref="RpmsgSharedMemoryException">No room.</exception>
    public IRpmsgSharedBuffer Allocate(int length)
    {
        IRpmsgSharedBuffer buffer = _memory.Allocate(length);
        _allocated.Add(buffer);
        return buffer;
    }

    /// <summary>Moves every buffer to a new owner and leaves this one empty, so the call's own <see cref="Release"/> frees nothing.</summary>
    public RequestBuffers Detach()
    {
        var taken = new RequestBuffers(_memory) { _allocated = _allocated };
        _allocated = [];
        return taken;
    }

    /// <summary>Frees every buffer held.</summary>
    public void Release()
    {
        foreach (IRpmsgSharedBuffer buffer in _allocated)
        {
            _memory.Free(buffer);
        }

        _allocated.Clear();
    }
}
