using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>A program header field for <see cref="HostileLayout.WritePhdr"/>.</summary>
internal enum PhdrField
{
    Type,
    Flags,
    Offset,
    Vaddr,
    Paddr,
    FileSize,
    MemorySize,
    Align,
}

/// <summary>
/// A signed TSIM-MBN7 file edited into a layout the signer never writes, then signed again with the signer's own key: hash
/// entry 0 over the edited ELF header and phdrs, and a new ECDSA P-384 signature (of the same DER length) over the edited
/// header ‖ common md ‖ OEM md ‖ hash table. The signature is valid, so only a structural check can reject the layout.
/// </summary>
/// <remarks>
/// Reads the file with its own offsets (services.md §1.1, §1.3), not the library's. The hash segment is located from
/// phdr[1] before the edit, so an edit may move phdr[1]'s offset without losing it. Edits must keep e_phnum.
/// </remarks>
internal sealed class HostileLayout
{
    /// <summary>The offset of the OEM metadata in the hash segment: after the 40-byte header and the 24-byte common metadata.</summary>
    public const int OemMetadataOffset = 40 + 24;

    private readonly SignedFileReader _reader;

    private HostileLayout(byte[] file) => _reader = new SignedFileReader(file);

    public byte[] File => _reader.File;

    public bool Is64 => _reader.Is64;

    public int Count => _reader.Count;

    /// <summary>Where the hash segment lies in <see cref="File"/> (phdr[1]'s offset before the edit).</summary>
    public int HashOffset => _reader.HashOffset;

    public int HashLength => _reader.HashLength;

    /// <summary>What SEC_AUTH receives as <c>elf_buf</c>: the ELF header and phdrs, then the hash segment's bytes.</summary>
    public byte[] Metadata => [.. File.AsSpan(0, _reader.HeaderLength), .. _reader.HashSegment];

    /// <summary>Copies <paramref name="signedFile"/>, applies <paramref name="edit"/> and signs the result with <paramref name="signerKey"/>.</summary>
    public static HostileLayout Create(byte[] signedFile, ECDsa signerKey, Action<HostileLayout> edit)
    {
        var layout = new HostileLayout((byte[])signedFile.Clone());
        edit(layout);
        layout.Resign(signerKey);
        return layout;
    }

    /// <summary>Writes <c>e_type</c>.</summary>
    public void WriteElfType(ushort type) => BinaryPrimitives.WriteUInt16LittleEndian(File.AsSpan(16), type);

    /// <summary>Writes <c>e_version</c>.</summary>
    public void WriteElfVersion(uint version) => BinaryPrimitives.WriteUInt32LittleEndian(File.AsSpan(20), version);

    /// <summary>Writes one field of phdr <paramref name="index"/>; in ELF32 the value must fit 32 bits.</summary>
    public void WritePhdr(int index, PhdrField field, ulong value)
    {
        (int offset, int width) = Field(field);
        Span<byte> at = File.AsSpan(_reader.PhdrOffset(index) + offset, width);
        if (width == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(at, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, checked((uint)value));
        }
    }

    public ulong ReadPhdr(int index, PhdrField field)
    {
        (int offset, int width) = Field(field);
        ReadOnlySpan<byte> at = File.AsSpan(_reader.PhdrOffset(index) + offset, width);
        return width == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(at) : BinaryPrimitives.ReadUInt32LittleEndian(at);
    }

    /// <summary>Writes a little-endian u32 at <paramref name="offset"/> in the hash segment (header 0, common md 40, OEM md 64).</summary>
    public void WriteHashWord(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(File.AsSpan(HashOffset + offset), value);

    /// <summary>Writes one byte at <paramref name="offset"/> in the hash segment.</summary>
    public void WriteHashByte(int offset, byte value) => File[HashOffset + offset] = value;

    private (int Offset, int Width) Field(PhdrField field) => (field, Is64) switch
    {
        (PhdrField.Type, _) => (0, 4),
        (PhdrField.Flags, true) => (4, 4),
        (PhdrField.Flags, false) => (24, 4),
        (PhdrField.Offset, true) => (8, 8),
        (PhdrField.Vaddr, true) => (16, 8),
        (PhdrField.Paddr, true) => (24, 8),
        (PhdrField.FileSize, true) => (32, 8),
        (PhdrField.MemorySize, true) => (40, 8),
        (PhdrField.Align, true) => (48, 8),
        (PhdrField.Offset, false) => (4, 4),
        (PhdrField.Vaddr, false) => (8, 4),
        (PhdrField.Paddr, false) => (12, 4),
        (PhdrField.FileSize, false) => (16, 4),
        (PhdrField.MemorySize, false) => (20, 4),
        (PhdrField.Align, false) => (28, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private void Resign(ECDsa signerKey)
    {
        Span<byte> hashSegment = _reader.HashSegment;
        int signedLength = _reader.SignedLength;
        SHA384.HashData(File.AsSpan(0, _reader.HeaderLength), File.AsSpan(_reader.HashTableOffset, 48));
        byte[] digest = SHA384.HashData(hashSegment[..signedLength]);
        byte[] signature;
        do
        {
            signature = signerKey.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
        }
        while (signature.Length != _reader.SignatureLength);

        signature.CopyTo(hashSegment[signedLength..]);
    }
}
