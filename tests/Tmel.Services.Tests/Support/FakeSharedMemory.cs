using System.Diagnostics.CodeAnalysis;
using Rpmsg.Core;

namespace Tmel.Services.Tests.Support;

/// <summary>
/// A transport-free <see cref="IRpmsgSharedMemory"/> for tests on the loopback transport: first-fit, 8-byte aligned,
/// every access checked against one live allocation, as the seam requires. Counts allocations and frees.
/// </summary>
internal sealed class FakeSharedMemory : IRpmsgSharedMemory
{
    private const int Alignment = 8;
    private readonly Lock _lock = new();
    private readonly byte[] _memory;
    private readonly List<Buffer> _live = [];

    public FakeSharedMemory(int size = 64 * 1024, uint baseBusAddress = 0x9000_0000)
    {
        _memory = new byte[size];
        Size = size;
        BaseBusAddress = baseBusAddress;
    }

    public uint BaseBusAddress { get; }

    public int Size { get; }

    public int FreeBytes
    {
        get
        {
            lock (_lock)
            {
                return Size - _live.Sum(b => Align(b.Length));
            }
        }
    }

    public int Allocations { get; private set; }

    public int Frees { get; private set; }

    public IRpmsgSharedBuffer Allocate(int length) =>
        TryAllocate(length, out IRpmsgSharedBuffer? buffer)
            ? buffer
            : throw new RpmsgSharedMemoryException(RpmsgSharedMemoryError.OutOfMemory, $"No room for {length} bytes.");

    public bool TryAllocate(int length, [NotNullWhen(true)] out IRpmsgSharedBuffer? buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        lock (_lock)
        {
            int offset = 0;
            int index = 0;
            foreach (Buffer live in _live)
            {
                if (live.Offset - offset >= Align(length))
                {
                    break;
                }

                offset = live.Offset + Align(live.Length);
                index++;
            }

            if (Size - offset < Align(length) && index == _live.Count)
            {
                buffer = null;
                return false;
            }

            var created = new Buffer(this, offset, length);
            _live.Insert(index, created);
            Allocations++;
            buffer = created;
            return true;
        }
    }

    public void Free(IRpmsgSharedBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        lock (_lock)
        {
            if (buffer is not Buffer own || own.Owner != this)
            {
                throw new RpmsgSharedMemoryException(RpmsgSharedMemoryError.NotAllocated, "Not ours.");
            }

            if (own.IsFreed)
            {
                throw new RpmsgSharedMemoryException(RpmsgSharedMemoryError.DoubleFree, "Freed twice.");
            }

            own.IsFreed = true;
            _live.Remove(own);
            _memory.AsSpan(own.Offset, Align(own.Length)).Clear();
            Frees++;
        }
    }

    public void Read(uint busAddress, Span<byte> destination)
    {
        lock (_lock)
        {
            _memory.AsSpan(Check(busAddress, (uint)destination.Length), destination.Length).CopyTo(destination);
        }
    }

    public void Write(uint busAddress, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            source.CopyTo(_memory.AsSpan(Check(busAddress, (uint)source.Length), source.Length));
        }
    }

    public bool IsAllocatedRange(uint busAddress, uint length)
    {
        lock (_lock)
        {
            return Find(busAddress, length) >= 0;
        }
    }

    public byte[] ReadArray(uint busAddress, uint length)
    {
        byte[] bytes = new byte[length];
        Read(busAddress, bytes);
        return bytes;
    }

    private static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    private int Check(uint busAddress, uint length)
    {
        int offset = Find(busAddress, length);
        return offset >= 0
            ? offset
            : throw new RpmsgSharedMemoryException(RpmsgSharedMemoryError.OutOfBounds, $"0x{busAddress:X8}+{length} is not inside one buffer.");
    }

    private int Find(uint busAddress, uint length)
    {
        if (busAddress < BaseBusAddress)
        {
            return -1;
        }

        ulong offset = busAddress - BaseBusAddress;
        foreach (Buffer live in _live)
        {
            if (offset >= (ulong)live.Offset && offset < (ulong)(live.Offset + live.Length) && offset + length <= (ulong)(live.Offset + live.Length))
            {
                return (int)offset;
            }
        }

        return -1;
    }

    private sealed class Buffer(FakeSharedMemory owner, int offset, int length) : IRpmsgSharedBuffer
    {
        public FakeSharedMemory Owner { get; } = owner;

        public int Offset { get; } = offset;

        public uint BusAddress => Owner.BaseBusAddress + (uint)Offset;

        public int Length { get; } = length;

        public bool IsFreed { get; set; }

        public void Read(int offset, Span<byte> destination)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            Check(offset, destination.Length);
            Owner.Read(BusAddress + (uint)offset, destination);
        }

        public void Write(int offset, ReadOnlySpan<byte> source)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            Check(offset, source.Length);
            Owner.Write(BusAddress + (uint)offset, source);
        }

        private void Check(int offset, int length)
        {
            if (IsFreed || (long)offset + length > Length)
            {
                throw new RpmsgSharedMemoryException(RpmsgSharedMemoryError.OutOfBounds, "Outside the buffer or freed.");
            }
        }
    }
}
