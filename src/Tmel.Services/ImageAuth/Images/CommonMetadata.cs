using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>The 24-byte common metadata v0.0 that follows a v7 header (services.md §1.4).</summary>
/// <remarks>
/// <code>
///  off  size  field                         TSIM-MBN7 value
///  0    4     major                         0
///  4    4     minor                         0
///  8    4     software_id                   the image's sw_id (SEC_AUTH's req.sw_id)
///  12   4     secondary_software_id         0
///  16   4     hash_table_algorithm          3 (SHA-384)
///  20   4     measurement_register_target   0 none, 1..2 HW MR #1..#2, 3..6 FW MR #1..#4
///  24         end
/// </code>
/// </remarks>
internal readonly record struct CommonMetadata(
    uint Major,
    uint Minor,
    uint SoftwareId,
    uint SecondarySoftwareId,
    uint HashTableAlgorithm,
    uint MeasurementRegisterTarget)
{
    public const int Size = 24;
    public const uint HashAlgorithmSha384 = 3;
    public const uint MaxMeasurementRegisterTarget = 6;

    public static CommonMetadata Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[12..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[20..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Major);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], SoftwareId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], SecondarySoftwareId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], HashTableAlgorithm);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], MeasurementRegisterTarget);
    }
}
