using System.Buffers.Binary;

namespace Tmel.Simulator;

/// <summary>
/// The carve-out base of an image, read from its SEC_AUTH metadata: the lowest <c>p_paddr</c> of the hashed PT_LOADs
/// rounded down to 4 KiB (the Linux and OP-TEE rule, services.md §1.1). SEC_AUTH's <c>relocate</c> maps each segment to
/// its offset from that base.
/// </summary>
/// <remarks>
/// Only what the mapping needs is read, every offset bounds-checked in 64 bits; the verifier judges the headers. Metadata
/// that cannot be read yields no base, and then no relocated read succeeds.
/// </remarks>
internal static class ElfLoadBase
{
    private const uint LoadType = 1;
    private const uint HashSegmentType = 2;
    private const ulong PageSize = 0x1000;

    public static ulong? TryCompute(ReadOnlySpan<byte> metadata)
    {
        if (metadata.Length < 52 || metadata[0] != 0x7F || metadata[1] != (byte)'E' || metadata[2] != (byte)'L' || metadata[3] != (byte)'F' || metadata[5] != 1)
        {
            return null;
        }

        bool is64 = metadata[4] == 2;
        if (!is64 && metadata[4] != 1)
        {
            return null;
        }

        if (is64 && metadata.Length < 64)
        {
            return null;
        }

        ulong phoff = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(metadata[32..]) : BinaryPrimitives.ReadUInt32LittleEndian(metadata[28..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(metadata[(is64 ? 54 : 42)..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(metadata[(is64 ? 56 : 44)..]);
        int minimum = is64 ? 56 : 32;
        if (phentsize < minimum || phoff > (ulong)metadata.Length || (ulong)phnum * (ulong)phentsize > (ulong)metadata.Length - phoff)
        {
            return null;
        }

        ulong lowest = ulong.MaxValue;
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> p = metadata.Slice((int)phoff + (i * phentsize), minimum);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(p);
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(p[(is64 ? 4 : 24)..]);
            ulong paddr = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(p[24..]) : BinaryPrimitives.ReadUInt32LittleEndian(p[12..]);
            ulong memsz = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(p[40..]) : BinaryPrimitives.ReadUInt32LittleEndian(p[20..]);
            if (type == LoadType && ((flags >> 24) & 7) != HashSegmentType && memsz != 0)
            {
                lowest = Math.Min(lowest, paddr);
            }
        }

        return lowest == ulong.MaxValue ? null : lowest & ~(PageSize - 1);
    }
}
