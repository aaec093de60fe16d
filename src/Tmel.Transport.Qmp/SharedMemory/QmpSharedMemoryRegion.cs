using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp;

/// <summary>
/// Memory both sides of the link address by 32-bit bus address: the RFC's SRAM/DMA path, where a TMELCOM packet carries
/// a <c>payload_ptr</c> (u32) and a <c>payload_len</c> (u32) instead of inline parameters.
/// </summary>
/// <remarks>
/// <para>
/// Offset 0 of the region is bus address <see cref="BaseBusAddress"/>. One instance, backed by a managed array, serves
/// both sides in one process: the side that sends a large payload allocates a buffer, writes it, and puts the buffer's
/// <see cref="QmpSharedBuffer.BusAddress"/> and <see cref="QmpSharedBuffer.Length"/> on the wire; the peer reaches the
/// bytes by that pointer and length through <see cref="Read"/>, <see cref="Write"/> or
/// <see cref="TryGetBuffer(uint, uint, out QmpSharedBuffer?)"/>, and may answer in place.
/// </para>
/// <para>
/// Every access must lie inside one buffer that is allocated at the time. A pointer and length from the peer are
/// checked before anything is read, copied or allocated on their account; the check is done in 32-bit arithmetic that
/// cannot wrap, so a pointer near 0xFFFFFFFF with a length that carries past it is refused like any other range outside.
/// </para>
/// <para>
/// A range is inside a buffer when its first address names one of the buffer's bytes and its length does not run past
/// the buffer's <see cref="QmpSharedBuffer.Length"/>; alignment padding belongs to no buffer, and an empty range still
/// needs an address inside a buffer.
/// </para>
/// <para>
/// Buffers are handed out first-fit from an address-ordered list of blocks, each rounded up to
/// <see cref="Alignment"/> bytes; a freed block merges with free neighbours at once, so the region never holds two
/// adjacent free blocks. Freed bytes are zeroed, so a new buffer reads as zeros and never shows a previous owner's data.
/// </para>
/// <para>
/// All members are thread-safe. One short lock covers allocation, freeing and every copy in or out, so a buffer cannot
/// be freed and handed to a new owner while a copy into or out of it is under way.
/// </para>
/// <para>
/// The region is the QMP transport's <see cref="IRpmsgSharedMemory"/>: drivers above the transport (for example the
/// TME-L service clients) see it only through that seam. Its failures are <see cref="RpmsgSharedMemoryException"/>s, the
/// seam's one exception type.
/// </para>
/// </remarks>
public sealed class QmpSharedMemoryRegion : IRpmsgSharedMemory
{
    /// <summary>The default region size, the one default of every region (the host's, the simulator's, each cross-process subsystem's SRAM): 4 MiB.</summary>
    /// <remarks>Room for an image's metadata with <c>elf_buf</c> up to 1 MiB and the other clients' buffers beside it (docs/shared-memory.md).</remarks>
    public const int DefaultSize = 4 * 1024 * 1024;

    /// <summary>The largest region size: 16 MiB.</summary>
    public const int MaxSize = 16 * 1024 * 1024;

    /// <summary>The default bus address of the region's first byte.</summary>
    public const uint DefaultBaseBusAddress = 0x8600_0000;

    /// <summary>The alignment, in bytes, of every buffer's bus address (and of the region's base and size).</summary>
    public const int Alignment = 8;

    private readonly Lock _lock = new();
    private readonly Memory<byte> _memory;

    // Address-ordered blocks that tile [0, Size) exactly; a block is free when its Owner is null, and no two free blocks
    // are neighbours. Guarded by _lock.
    private readonly List<Block> _blocks;
    private int _freeBytes;

    /// <summary>Initializes a new region.</summary>
    /// <param name="size">The region's size in bytes: a multiple of <see cref="Alignment"/>, from <see cref="Alignment"/> to <see cref="MaxSize"/>.</param>
    /// <param name="baseBusAddress">
    /// The bus address of the region's first byte: non-zero (0 means "no buffer" in the RFC's structs), a multiple of
    /// <see cref="Alignment"/>, and low enough that the region's end address still fits in 32 bits.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> or <paramref name="baseBusAddress"/> breaks one of those rules.</exception>
    public QmpSharedMemoryRegion(int size = DefaultSize, uint baseBusAddress = DefaultBaseBusAddress)
        : this(new byte[CheckSize(size)], baseBusAddress, peerAllocates: false)
    {
    }

    /// <summary>Initializes a region over memory shared with another process (a mapped SRAM file).</summary>
    /// <param name="memory">The region's bytes; its length is the region's size.</param>
    /// <param name="baseBusAddress">The bus address of the first byte.</param>
    /// <param name="peerAllocates">
    /// <see langword="false"/> for the side that allocates buffers (the APPS side): the memory is zeroed, as a fresh allocator owns
    /// every byte. <see langword="true"/> for the side that only follows the peer's pointers (TME-L): it cannot know the peer's
    /// allocations, so the whole region counts as one buffer the peer owns; every range inside it is accepted and nothing can be
    /// allocated here. That is what TME-L checks on hardware: that a pointer and length lie inside the SRAM it may touch.
    /// </param>
    internal QmpSharedMemoryRegion(Memory<byte> memory, uint baseBusAddress, bool peerAllocates)
    {
        int size = memory.Length;
        CheckLayout(size, baseBusAddress);
        Size = size;
        BaseBusAddress = baseBusAddress;
        _memory = memory;
        _blocks = [new Block(0, size)];
        _freeBytes = size;
        if (peerAllocates)
        {
            _blocks[0].Owner = new QmpSharedBuffer(this, allocation: null, baseBusAddress, size);
            _freeBytes = 0;
        }
        else
        {
            memory.Span.Clear();
        }
    }

    /// <summary>Gets the region's size in bytes.</summary>
    public int Size { get; }

    /// <summary>Gets the bus address of the region's first byte.</summary>
    public uint BaseBusAddress { get; }

    /// <summary>Gets the number of bytes not taken by any buffer (including alignment padding), summed over all free blocks.</summary>
    /// <remarks>A buffer of this size may still not fit when the free bytes are split across several blocks.</remarks>
    public int FreeBytes
    {
        get
        {
            lock (_lock)
            {
                return _freeBytes;
            }
        }
    }

    /// <summary>Allocates a buffer of <paramref name="length"/> bytes, zeroed, at a bus address aligned to <see cref="Alignment"/>.</summary>
    /// <param name="length">The buffer's length in bytes; at least 1.</param>
    /// <returns>The buffer; its caller owns it and frees it with <see cref="Free(QmpSharedBuffer)"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfMemory"/>: no free block is large enough.</exception>
    public QmpSharedBuffer Allocate(int length)
    {
        if (!TryAllocate(length, out QmpSharedBuffer? buffer))
        {
            SharedMemoryThrowHelper.ThrowOutOfMemory(length, this);
        }

        return buffer;
    }

    /// <summary>Allocates a buffer of <paramref name="length"/> bytes if a free block is large enough; never throws for lack of room.</summary>
    /// <param name="length">The buffer's length in bytes; at least 1.</param>
    /// <param name="buffer">The buffer, zeroed, when this returns <see langword="true"/>; its caller owns it and frees it.</param>
    /// <returns><see langword="true"/> if the buffer was allocated; <see langword="false"/> if no free block is large enough.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    public bool TryAllocate(int length, [NotNullWhen(true)] out QmpSharedBuffer? buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        buffer = null;
        if (length > Size)
        {
            return false;
        }

        int needed = AlignUp(length);
        lock (_lock)
        {
            for (int i = 0; i < _blocks.Count; i++)
            {
                Block block = _blocks[i];
                if (block.Owner is not null || block.Size < needed)
                {
                    continue;
                }

                if (block.Size > needed)
                {
                    _blocks.Insert(i + 1, new Block(block.Offset + needed, block.Size - needed));
                    block.Size = needed;
                }

                buffer = new QmpSharedBuffer(this, allocation: null, BaseBusAddress + (uint)block.Offset, length);
                block.Owner = buffer;
                _freeBytes -= needed;
                return true;
            }
        }

        return false;
    }

    /// <summary>Frees a buffer that <see cref="Allocate(int)"/> or <see cref="TryAllocate(int, out QmpSharedBuffer?)"/> returned.</summary>
    /// <param name="buffer">The buffer to free; every access through it, or through a view of it, throws from now on.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is <see langword="null"/>.</exception>
    /// <exception cref="RpmsgSharedMemoryException">
    /// <see cref="RpmsgSharedMemoryError.NotAllocated"/>: <paramref name="buffer"/> belongs to another region or is a view;
    /// <see cref="RpmsgSharedMemoryError.DoubleFree"/>: it was already freed.
    /// </exception>
    public void Free(QmpSharedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!ReferenceEquals(buffer.Region, this))
        {
            SharedMemoryThrowHelper.ThrowNotAllocated(buffer, "it belongs to another region.");
        }

        if (buffer.IsView)
        {
            SharedMemoryThrowHelper.ThrowNotAllocated(buffer, "it is a view of a peer's range; only the buffer's allocator frees it.");
        }

        lock (_lock)
        {
            if (buffer.IsFreed)
            {
                SharedMemoryThrowHelper.ThrowDoubleFree(buffer);
            }

            int index = FindBlock(buffer.Offset);
            Block block = _blocks[index];
            Debug.Assert(ReferenceEquals(block.Owner, buffer), "A live allocation owns the block at its offset.");

            buffer.MarkFreed();
            block.Owner = null;
            _memory.Span.Slice(block.Offset, block.Size).Clear();
            _freeBytes += block.Size;

            if (index + 1 < _blocks.Count && _blocks[index + 1].Owner is null)
            {
                block.Size += _blocks[index + 1].Size;
                _blocks.RemoveAt(index + 1);
            }

            if (index > 0 && _blocks[index - 1].Owner is null)
            {
                _blocks[index - 1].Size += block.Size;
                _blocks.RemoveAt(index);
            }
        }
    }

    /// <summary>Copies bytes at a bus address, as many as <paramref name="destination"/> holds.</summary>
    /// <param name="busAddress">The bus address of the first byte, for example a <c>payload_ptr</c> from the peer.</param>
    /// <param name="destination">Where the bytes go; its length says how many to read.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not lie inside one allocated buffer.</exception>
    public void Read(uint busAddress, Span<byte> destination)
    {
        lock (_lock)
        {
            if (FindOwner(busAddress, (uint)destination.Length) is null)
            {
                SharedMemoryThrowHelper.ThrowOutOfBounds(busAddress, (uint)destination.Length);
            }

            _memory.Span.Slice((int)(busAddress - BaseBusAddress), destination.Length).CopyTo(destination);
        }
    }

    /// <summary>Copies <paramref name="source"/> to a bus address.</summary>
    /// <param name="busAddress">The bus address of the first byte, for example a <c>payload_ptr</c> from the peer.</param>
    /// <param name="source">The bytes to write.</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not lie inside one allocated buffer.</exception>
    public void Write(uint busAddress, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            if (FindOwner(busAddress, (uint)source.Length) is null)
            {
                SharedMemoryThrowHelper.ThrowOutOfBounds(busAddress, (uint)source.Length);
            }

            source.CopyTo(_memory.Span.Slice((int)(busAddress - BaseBusAddress), source.Length));
        }
    }

    /// <summary>Checks a pointer and length from the peer and, if they lie inside one allocated buffer, returns a view of that range.</summary>
    /// <param name="busAddress">The bus address of the range's first byte (the RFC's <c>payload_ptr</c>).</param>
    /// <param name="length">The range's length in bytes (the RFC's <c>payload_len</c>); 0 names an empty range at an address inside a buffer.</param>
    /// <param name="buffer">A view of the range when this returns <see langword="true"/>; it cannot be freed, and it stops working when the allocation it lies in is freed.</param>
    /// <returns><see langword="true"/> if the range lies inside one allocated buffer; otherwise <see langword="false"/>.</returns>
    /// <remarks>Nothing is allocated, read or copied on the account of <paramref name="length"/> before it is checked.</remarks>
    public bool TryGetBuffer(uint busAddress, uint length, [NotNullWhen(true)] out QmpSharedBuffer? buffer)
    {
        lock (_lock)
        {
            QmpSharedBuffer? owner = FindOwner(busAddress, length);
            buffer = owner is null ? null : new QmpSharedBuffer(this, owner, busAddress, (int)length);
            return buffer is not null;
        }
    }

    /// <summary>Checks that a pointer and length from the peer lie inside one allocated buffer.</summary>
    /// <param name="busAddress">The bus address of the range's first byte (the RFC's <c>payload_ptr</c>).</param>
    /// <param name="length">The range's length in bytes (the RFC's <c>payload_len</c>).</param>
    /// <exception cref="RpmsgSharedMemoryException"><see cref="RpmsgSharedMemoryError.OutOfBounds"/>: the range does not lie inside one allocated buffer.</exception>
    /// <remarks>The answer holds only at the time of the call: the buffer may be freed right after. Use <see cref="TryGetBuffer(uint, uint, out QmpSharedBuffer?)"/> to keep a checked handle.</remarks>
    public void ValidateRange(uint busAddress, uint length)
    {
        lock (_lock)
        {
            if (FindOwner(busAddress, length) is null)
            {
                SharedMemoryThrowHelper.ThrowOutOfBounds(busAddress, length);
            }
        }
    }

    /// <inheritdoc/>
    public bool IsAllocatedRange(uint busAddress, uint length)
    {
        lock (_lock)
        {
            return FindOwner(busAddress, length) is not null;
        }
    }

    /// <inheritdoc/>
    IRpmsgSharedBuffer IRpmsgSharedMemory.Allocate(int length) => Allocate(length);

    /// <inheritdoc/>
    bool IRpmsgSharedMemory.TryAllocate(int length, [NotNullWhen(true)] out IRpmsgSharedBuffer? buffer)
    {
        bool allocated = TryAllocate(length, out QmpSharedBuffer? own);
        buffer = own;
        return allocated;
    }

    /// <inheritdoc/>
    void IRpmsgSharedMemory.Free(IRpmsgSharedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer is QmpSharedBuffer own)
        {
            Free(own);
        }
        else
        {
            SharedMemoryThrowHelper.ThrowNotAllocated(buffer, "it is not a buffer of a QMP shared-memory region.");
        }
    }

    /// <summary>Returns the blocks that tile the region, in address order: each block's bus address, size and whether it is free.</summary>
    internal (uint BusAddress, int Size, bool IsFree)[] GetBlocks()
    {
        lock (_lock)
        {
            return [.. _blocks.Select(b => (BaseBusAddress + (uint)b.Offset, b.Size, b.Owner is null))];
        }
    }

    internal void ReadBuffer(QmpSharedBuffer buffer, int offset, Span<byte> destination)
    {
        lock (_lock)
        {
            CheckBufferRange(buffer, offset, destination.Length);
            _memory.Span.Slice(buffer.Offset + offset, destination.Length).CopyTo(destination);
        }
    }

    internal void WriteBuffer(QmpSharedBuffer buffer, int offset, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            CheckBufferRange(buffer, offset, source.Length);
            source.CopyTo(_memory.Span.Slice(buffer.Offset + offset, source.Length));
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless a region of <paramref name="size"/> bytes may start at <paramref name="baseBusAddress"/>.</summary>
    internal static void CheckLayout(int size, uint baseBusAddress)
    {
        CheckSize(size);
        if (baseBusAddress == 0 || baseBusAddress % Alignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(baseBusAddress), baseBusAddress, $"The base bus address must be a non-zero multiple of {Alignment}.");
        }

        if ((ulong)baseBusAddress + (ulong)size > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(baseBusAddress), baseBusAddress, $"A {size}-byte region at 0x{baseBusAddress:X8} would end past the 32-bit bus address space.");
        }
    }

    private static int CheckSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, Alignment);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        if (size % Alignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"The region size must be a multiple of {Alignment} bytes.");
        }

        return size;
    }

    private static int AlignUp(int length) => (length + (Alignment - 1)) & ~(Alignment - 1);

    // Under _lock. A handle stays usable only while its allocation is live: a freed handle never reaches the block's next owner.
    private static void CheckBufferRange(QmpSharedBuffer buffer, int offset, int length)
    {
        if (buffer.IsFreed)
        {
            SharedMemoryThrowHelper.ThrowFreed(buffer);
        }

        if ((long)offset + length > buffer.Length)
        {
            SharedMemoryThrowHelper.ThrowOutOfBounds(buffer, offset, length);
        }
    }

    // Under _lock. The live allocation whose [BusAddress, BusAddress + Length) holds busAddress and the whole of
    // [busAddress, busAddress + length), or null. Alignment padding belongs to no buffer.
    private QmpSharedBuffer? FindOwner(uint busAddress, uint length)
    {
        if (busAddress < BaseBusAddress || busAddress - BaseBusAddress >= (uint)Size)
        {
            return null;
        }

        uint offset = busAddress - BaseBusAddress;
        Block block = _blocks[FindBlock((int)offset)];
        if (block.Owner is not { } owner)
        {
            return null;
        }

        // offset >= start, so end - offset cannot wrap once offset < end; length is never added to anything.
        uint end = (uint)block.Offset + (uint)owner.Length;
        return offset < end && length <= end - offset ? owner : null;
    }

    // Under _lock. The index of the block holding offset, which lies in [0, Size).
    private int FindBlock(int offset)
    {
        int low = 0;
        int high = _blocks.Count - 1;
        while (low < high)
        {
            int mid = low + ((high - low + 1) / 2);
            if (_blocks[mid].Offset <= offset)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    private sealed class Block(int offset, int size)
    {
        public int Offset { get; } = offset;

        public int Size { get; set; } = size;

        public QmpSharedBuffer? Owner { get; set; }
    }
}
