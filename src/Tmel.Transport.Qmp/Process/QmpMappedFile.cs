using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Tmel.Transport.Qmp;

/// <summary>A whole file mapped read-write and shared with every other process that maps it, as a <see cref="Memory{T}"/>.</summary>
/// <remarks>The view stays valid until <see cref="IDisposable.Dispose"/>; spans taken from it must not outlive that.</remarks>
internal sealed unsafe class QmpMappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private int _disposed;

    private QmpMappedFile(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, int length)
    {
        _file = file;
        _view = view;
        _pointer = pointer;
        _length = length;
    }

    public string Path { get; private init; } = "";

    /// <summary>Maps an existing file of exactly <paramref name="expectedLength"/> bytes.</summary>
    /// <exception cref="QmpProcessLayoutException">The file is missing, cannot be opened, or has another length.</exception>
    public static QmpMappedFile Open(string path, int expectedLength)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QmpProcessLayoutException(path, $"it cannot be opened for reading and writing: {ex.Message}", ex);
        }

        try
        {
            if (stream.Length != expectedLength)
            {
                throw new QmpProcessLayoutException(path, $"it is {stream.Length} bytes long; the layout says {expectedLength} (0x{expectedLength:X}).");
            }

            return Map(stream, path, expectedLength);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Maps <paramref name="path"/>, creating it (zero-filled) or resizing it to <paramref name="length"/> bytes first; an existing file of that length keeps its bytes and its inode.</summary>
    public static QmpMappedFile CreateOrOpen(string path, int length)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            if (stream.Length != length)
            {
                stream.SetLength(0);
                stream.SetLength(length);
            }

            return Map(stream, path, length);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    private static QmpMappedFile Map(FileStream stream, string path, int length)
    {
        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(stream, mapName: null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new QmpMappedFile(file, view, pointer + view.PointerOffset, length) { Path = path };
        }
        catch
        {
            view?.Dispose();
            file.Dispose();
            throw;
        }
    }
}
