namespace Tmel.Services.ImageAuth;

/// <summary>
/// A <see cref="ITsimLoadedMemory"/> over a signed file: the carve-out of <see cref="TsimImage"/> as a loader would fill
/// it, read straight from the file's segments so nothing of the carve-out's size is allocated.
/// </summary>
internal sealed class FileLoadedMemory : ITsimLoadedMemory
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly LoadSegment[] _segments;
    private readonly ulong _base;
    private readonly ulong _end;

    public FileLoadedMemory(ReadOnlyMemory<byte> file, LoadSegment[] segments, ulong loadBase, int loadSize)
    {
        _file = file;
        _segments = segments;
        _base = loadBase;
        _end = loadBase + (ulong)loadSize;
    }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        ulong length = (ulong)destination.Length;
        if (address < _base || address > _end || length > _end - address)
        {
            return false;
        }

        destination.Clear();
        ReadOnlySpan<byte> file = _file.Span;
        foreach (LoadSegment segment in _segments)
        {
            ulong start = Math.Max(address, segment.Address);
            ulong stop = Math.Min(address + length, segment.Address + (ulong)segment.FileSize);
            if (start < stop)
            {
                file.Slice(segment.FileOffset + (int)(start - segment.Address), (int)(stop - start))
                    .CopyTo(destination[(int)(start - address)..]);
            }
        }

        return true;
    }
}
