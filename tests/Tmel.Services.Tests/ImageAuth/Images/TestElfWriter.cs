using System.Buffers.Binary;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>One program header for <see cref="TestElfWriter"/>: <see cref="Data"/> is the file bytes (p_filesz).</summary>
internal sealed record TestSegment(ulong Address, byte[] Data, ulong MemorySize, uint Flags = 5, ulong Align = 0x1000, uint Type = 1);

/// <summary>
/// A tiny ELF writer for tests, independent of the library's ELF code: the ELF header, the phdr table right after it,
/// then each segment's bytes at the first offset congruent to its address modulo its alignment, and optionally a
/// section-header table (a null section and one .text) at the end, like a linker's output.
/// </summary>
internal static class TestElfWriter
{
    public const ushort MachineArm = 40;
    public const ushort MachineAarch64 = 183;

    public static byte[] Build(bool is64, IReadOnlyList<TestSegment> segments, ulong entry = 0x8000_0000, bool withSectionHeaders = false, byte data = 1)
    {
        int ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32, shentsize = is64 ? 64 : 40;
        var offsets = new ulong[segments.Count];
        ulong cursor = (ulong)(ehsize + (segments.Count * phentsize));
        for (int i = 0; i < segments.Count; i++)
        {
            ulong align = Math.Max(segments[i].Align, 1);
            cursor += ((segments[i].Address % align) + align - (cursor % align)) % align;
            offsets[i] = cursor;
            cursor += (ulong)segments[i].Data.Length;
        }

        ulong shoff = withSectionHeaders ? cursor : 0;
        var file = new byte[(int)cursor + (withSectionHeaders ? 2 * shentsize : 0)];
        Span<byte> f = file;
        f[0] = 0x7F;
        f[1] = (byte)'E';
        f[2] = (byte)'L';
        f[3] = (byte)'F';
        f[4] = (byte)(is64 ? 2 : 1);
        f[5] = data;
        f[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(f[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(f[18..], is64 ? MachineAarch64 : MachineArm);
        BinaryPrimitives.WriteUInt32LittleEndian(f[20..], 1);
        if (is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(f[24..], entry);
            BinaryPrimitives.WriteUInt64LittleEndian(f[32..], (ulong)ehsize);
            BinaryPrimitives.WriteUInt64LittleEndian(f[40..], shoff);
            BinaryPrimitives.WriteUInt16LittleEndian(f[52..], (ushort)ehsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[54..], (ushort)phentsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[56..], (ushort)segments.Count);
            BinaryPrimitives.WriteUInt16LittleEndian(f[58..], (ushort)shentsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[60..], (ushort)(withSectionHeaders ? 2 : 0));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(f[24..], (uint)entry);
            BinaryPrimitives.WriteUInt32LittleEndian(f[28..], (uint)ehsize);
            BinaryPrimitives.WriteUInt32LittleEndian(f[32..], (uint)shoff);
            BinaryPrimitives.WriteUInt16LittleEndian(f[40..], (ushort)ehsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[42..], (ushort)phentsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[44..], (ushort)segments.Count);
            BinaryPrimitives.WriteUInt16LittleEndian(f[46..], (ushort)shentsize);
            BinaryPrimitives.WriteUInt16LittleEndian(f[48..], (ushort)(withSectionHeaders ? 2 : 0));
        }

        for (int i = 0; i < segments.Count; i++)
        {
            TestSegment s = segments[i];
            Span<byte> p = f.Slice(ehsize + (i * phentsize), phentsize);
            if (is64)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(p, s.Type);
                BinaryPrimitives.WriteUInt32LittleEndian(p[4..], s.Flags);
                BinaryPrimitives.WriteUInt64LittleEndian(p[8..], offsets[i]);
                BinaryPrimitives.WriteUInt64LittleEndian(p[16..], s.Address);
                BinaryPrimitives.WriteUInt64LittleEndian(p[24..], s.Address);
                BinaryPrimitives.WriteUInt64LittleEndian(p[32..], (ulong)s.Data.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(p[40..], s.MemorySize);
                BinaryPrimitives.WriteUInt64LittleEndian(p[48..], s.Align);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(p, s.Type);
                BinaryPrimitives.WriteUInt32LittleEndian(p[4..], (uint)offsets[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(p[8..], (uint)s.Address);
                BinaryPrimitives.WriteUInt32LittleEndian(p[12..], (uint)s.Address);
                BinaryPrimitives.WriteUInt32LittleEndian(p[16..], (uint)s.Data.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(p[20..], (uint)s.MemorySize);
                BinaryPrimitives.WriteUInt32LittleEndian(p[24..], s.Flags);
                BinaryPrimitives.WriteUInt32LittleEndian(p[28..], (uint)s.Align);
            }

            s.Data.CopyTo(f[(int)offsets[i]..]);
        }

        if (withSectionHeaders && segments.Count > 0)
        {
            // Section 1: .text, SHT_PROGBITS, covering segment 0 (section 0 stays all zero).
            Span<byte> sh = f.Slice((int)shoff + shentsize, shentsize);
            BinaryPrimitives.WriteUInt32LittleEndian(sh[4..], 1);
            if (is64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(sh[16..], segments[0].Address);
                BinaryPrimitives.WriteUInt64LittleEndian(sh[24..], offsets[0]);
                BinaryPrimitives.WriteUInt64LittleEndian(sh[32..], (ulong)segments[0].Data.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(sh[12..], (uint)segments[0].Address);
                BinaryPrimitives.WriteUInt32LittleEndian(sh[16..], (uint)offsets[0]);
                BinaryPrimitives.WriteUInt32LittleEndian(sh[20..], (uint)segments[0].Data.Length);
            }
        }

        return file;
    }

    /// <summary>A deterministic pattern of <paramref name="length"/> bytes.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (seed * 17) + (i >> 8));
        }

        return bytes;
    }

    /// <summary>The small firmware the tests sign: code, read-only data, data with a .bss tail, and a PT_NOTE.</summary>
    public static byte[] SmallFirmware(bool is64, bool withSectionHeaders = false) => Build(
        is64,
        [
            new TestSegment(0x8000_0000, Pattern(0x60, 1), 0x60, Flags: 5),
            new TestSegment(0x8000_1000, Pattern(0x30, 2), 0x30, Flags: 4),
            new TestSegment(0x8000_2000, Pattern(0x20, 3), 0x200, Flags: 6),
            new TestSegment(0, Pattern(0x18, 4), 0, Flags: 4, Align: 4, Type: 4),
        ],
        entry: 0x8000_0010,
        withSectionHeaders: withSectionHeaders);
}
