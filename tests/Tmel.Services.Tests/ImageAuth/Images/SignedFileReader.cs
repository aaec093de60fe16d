using System.Buffers.Binary;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Reads a signed file with the test's own offsets (services.md §1.1, §1.3), so tests do not trust the library's readers.</summary>
internal sealed class SignedFileReader
{
    /// <param name="file">A whole signed file, or (<paramref name="isMetadata"/>) the metadata blob, where the hash segment follows the phdrs.</param>
    /// <param name="isMetadata">Whether <paramref name="file"/> is the metadata blob.</param>
    public SignedFileReader(byte[] file, bool isMetadata = false)
    {
        File = file;
        Is64 = file[4] == 2;
        HeaderSize = Is64 ? 64 : 52;
        PhdrSize = Is64 ? 56 : 32;
        Count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(Is64 ? 56 : 44));
        HeaderLength = HeaderSize + (Count * PhdrSize);
        HashOffset = isMetadata ? HeaderLength : (int)Phdr(1).Offset;
        HashLength = (int)Phdr(1).FileSize;
    }

    public byte[] File { get; }

    public bool Is64 { get; }

    public int HeaderSize { get; }

    public int PhdrSize { get; }

    public int Count { get; }

    public int HeaderLength { get; }

    public int HashOffset { get; }

    public int HashLength { get; }

    public Span<byte> HashSegment => File.AsSpan(HashOffset, HashLength);

    public uint HeaderWord(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(HashSegment[offset..]);

    public int HashTableOffset => HashOffset + 40 + 24 + 224;

    public int SignedLength => 40 + 24 + 224 + (48 * Count);

    public int SignatureOffset => HashOffset + SignedLength;

    public int SignatureLength => (int)HeaderWord(32);

    public int ChainOffset => SignatureOffset + SignatureLength;

    public int ChainLength => (int)HeaderWord(36);

    /// <summary>The offset of the OEM metadata's field at <paramref name="offset"/> (services.md §1.4).</summary>
    public int OemField(int offset) => HashOffset + 40 + 24 + offset;

    /// <summary>The offset of phdr <paramref name="index"/>'s p_filesz.</summary>
    public int FileSizeField(int index) => PhdrOffset(index) + (Is64 ? 32 : 16);

    public Span<byte> Entry(int index) => File.AsSpan(HashTableOffset + (48 * index), 48);

    public int PhdrOffset(int index) => HeaderSize + (index * PhdrSize);

    public (uint Type, uint Flags, ulong Offset, ulong Vaddr, ulong Paddr, ulong FileSize, ulong MemorySize, ulong Align) Phdr(int index)
    {
        ReadOnlySpan<byte> p = File.AsSpan(PhdrOffset(index), PhdrSize);
        return Is64
            ? (BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[16..]), BinaryPrimitives.ReadUInt64LittleEndian(p[24..]), BinaryPrimitives.ReadUInt64LittleEndian(p[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[40..]), BinaryPrimitives.ReadUInt64LittleEndian(p[48..]))
            : (BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt32LittleEndian(p[24..]), BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(p[8..]), BinaryPrimitives.ReadUInt32LittleEndian(p[12..]), BinaryPrimitives.ReadUInt32LittleEndian(p[16..]),
                BinaryPrimitives.ReadUInt32LittleEndian(p[20..]), BinaryPrimitives.ReadUInt32LittleEndian(p[28..]));
    }

    public static string Le32(ulong value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value);
        return Convert.ToHexString(b);
    }

    public static string Le64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return Convert.ToHexString(b);
    }
}
