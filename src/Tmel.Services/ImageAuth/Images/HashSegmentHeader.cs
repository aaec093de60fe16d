using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>The 40-byte MBN v7 hash-segment header (services.md §1.3), as TSIM-MBN7 fills it (§1.8).</summary>
/// <remarks>
/// <code>
///  off  size  field                 TSIM-MBN7 value
///  0    4     image_id (reserved)   0
///  4    4     version               7
///  8    4     common_md_size        24
///  12   4     qti_md_size           0   (OEM-only signing)
///  16   4     oem_md_size           224
///  20   4     hash_table_size       48 · e_phnum
///  24   4     qti_sig_size          0
///  28   4     qti_cert_chain_size   0
///  32   4     oem_sig_size          DER length, at most 104
///  36   4     oem_cert_chain_size   DER certificates, leaf first
///  40         end; then common md, QTI md, OEM md, hash table, QTI sig, QTI chain, OEM sig, OEM chain
/// </code>
/// </remarks>
internal readonly record struct HashSegmentHeader(
    uint ImageId,
    uint Version,
    uint CommonMetadataSize,
    uint QtiMetadataSize,
    uint OemMetadataSize,
    uint HashTableSize,
    uint QtiSignatureSize,
    uint QtiCertificateChainSize,
    uint OemSignatureSize,
    uint OemCertificateChainSize)
{
    public const int Size = 40;
    public const uint Version7 = 7;

    /// <summary>The largest DER ECDSA P-384 signature: SEQUENCE of two 49-byte INTEGERs.</summary>
    public const int MaxEcdsaP384DerSignatureSize = 104;

    /// <summary>The header TSIM-MBN7 writes for the given table, signature and chain sizes.</summary>
    public static HashSegmentHeader ForTsim(int programHeaderCount, int signatureSize, int chainSize) => new(
        ImageId: 0,
        Version: Version7,
        CommonMetadataSize: CommonMetadata.Size,
        QtiMetadataSize: 0,
        OemMetadataSize: OemMetadata.Size,
        HashTableSize: (uint)(programHeaderCount * HashTable.EntrySize),
        QtiSignatureSize: 0,
        QtiCertificateChainSize: 0,
        OemSignatureSize: (uint)signatureSize,
        OemCertificateChainSize: (uint)chainSize);

    /// <summary>The sum of every part after the header, in 64 bits so no claimed size can overflow it.</summary>
    public ulong PartsSize =>
        (ulong)CommonMetadataSize + QtiMetadataSize + OemMetadataSize + HashTableSize
        + QtiSignatureSize + QtiCertificateChainSize + OemSignatureSize + OemCertificateChainSize;

    public static HashSegmentHeader Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[20..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[28..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[36..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, ImageId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], CommonMetadataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], QtiMetadataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], OemMetadataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], HashTableSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], QtiSignatureSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], QtiCertificateChainSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[32..], OemSignatureSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], OemCertificateChainSize);
    }
}
