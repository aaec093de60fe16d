using System.Buffers.Binary;

namespace Tmel.Simulator.Tests.Support;

/// <summary>One loadable segment for <see cref="TestElf"/>: file bytes at a physical address, zero-filled up to its memory size.</summary>
internal sealed record TestSegment(uint Address, byte[] Data, uint MemorySize);

/// <summary>
/// A minimal little-endian ELF32 writer for the simulator tests (written here from the ELF spec, independent of the
/// library): header, phdr table right after it, each PT_LOAD's bytes at a file offset congruent to its address modulo 4 KiB.
/// </summary>
internal static class TestElf
{
    public static byte[] Build(IReadOnlyList<TestSegment> segments, uint entry)
    {
        const int ehsize = 52, phentsize = 32, align = 0x1000;
        var offsets = new int[segments.Count];
        int cursor = ehsize + (segments.Count * phentsize);
        for (int i = 0; i < segments.Count; i++)
        {
            cursor += (int)(((segments[i].Address % align) + align - ((uint)cursor % align)) % align);
            offsets[i] = cursor;
            cursor += segments[i].Data.Length;
        }

        byte[] file = new byte[cursor];
        Span<byte> f = file;
        "\x7F"u8.CopyTo(f);
        "ELF"u8.CopyTo(f[1..]);
        f[4] = 1;                                                   // ELFCLASS32
        f[5] = 1;                                                   // ELFDATA2LSB
        f[6] = 1;                                                   // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(f[16..], 2);        // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(f[18..], 40);       // EM_ARM
        BinaryPrimitives.WriteUInt32LittleEndian(f[20..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(f[24..], entry);
        BinaryPrimitives.WriteUInt32LittleEndian(f[28..], ehsize);   // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(f[40..], ehsize);
        BinaryPrimitives.WriteUInt16LittleEndian(f[42..], phentsize);
        BinaryPrimitives.WriteUInt16LittleEndian(f[44..], (ushort)segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            Span<byte> p = f.Slice(ehsize + (i * phentsize), phentsize);
            BinaryPrimitives.WriteUInt32LittleEndian(p, 1);          // PT_LOAD
            BinaryPrimitives.WriteUInt32LittleEndian(p[4..], (uint)offsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(p[8..], segments[i].Address);
            BinaryPrimitives.WriteUInt32LittleEndian(p[12..], segments[i].Address);
            BinaryPrimitives.WriteUInt32LittleEndian(p[16..], (uint)segments[i].Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(p[20..], segments[i].MemorySize);
            BinaryPrimitives.WriteUInt32LittleEndian(p[24..], 5);    // R+X, QCOM bits 0
            BinaryPrimitives.WriteUInt32LittleEndian(p[28..], align);
            segments[i].Data.CopyTo(f[offsets[i]..]);
        }

        return file;
    }

    public static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (seed * 17) + (i >> 8));
        }

        return bytes;
    }

    /// <summary>Three segments from <paramref name="baseAddress"/>: code, read-only data, data with a zero-filled tail.</summary>
    public static byte[] Firmware(uint baseAddress, int codeLength = 0x60) => Build(
        [
            new TestSegment(baseAddress, Pattern(codeLength, 1), (uint)codeLength),
            new TestSegment(baseAddress + (uint)AlignUp(codeLength) , Pattern(0x30, 2), 0x30),
            new TestSegment(baseAddress + (uint)AlignUp(codeLength) + 0x1000, Pattern(0x20, 3), 0x200),
        ],
        entry: baseAddress + 0x10);

    private static int AlignUp(int length) => (length + 0xFFF) & ~0xFFF;
}
