namespace Tmel.Services.ImageAuth;

/// <summary>Step 2: the hash segment found by flags, its v7 header sizes and its two metadata blocks.</summary>
internal static partial class TsimImageVerifier
{
    private static string? TryReadHashSegment(ReadOnlySpan<byte> metadata, SignedElfLayout layout, out HashSegmentView view)
    {
        view = default;
        int index = layout.FindHashSegment();
        if (index != 1)
        {
            return index < 0 ? "no program header has the QCOM HASH segment type" : $"the first HASH program header is phdr[{index}]; TSIM-MBN7 puts it at phdr[1]";
        }

        ElfProgramHeader phdr = layout.ProgramHeaders[1];
        if (phdr.Flags != ElfConstants.HashSegmentFlags)
        {
            return $"the hash segment's flags are 0x{phdr.Flags:X8}, not 0x{ElfConstants.HashSegmentFlags:X8}";
        }

        ReadOnlySpan<byte> bytes = metadata[layout.HeaderLength..];
        if (phdr.FileSize != (ulong)bytes.Length)
        {
            return $"the hash segment's p_filesz is 0x{phdr.FileSize:X}; the metadata holds 0x{bytes.Length:X} bytes after the program headers";
        }

        if (bytes.Length < SignedPrefixSize)
        {
            return $"the hash segment is {bytes.Length} bytes, too short for the header and metadata ({SignedPrefixSize})";
        }

        HashSegmentHeader header = HashSegmentHeader.Read(bytes);
        ulong tableSize = (ulong)layout.ProgramHeaders.Length * HashTable.EntrySize;
        string? error =
            header.Version != HashSegmentHeader.Version7 ? $"the header is version {header.Version}, not 7"
            : header.CommonMetadataSize != CommonMetadata.Size || header.QtiMetadataSize != 0 || header.OemMetadataSize != OemMetadata.Size
                ? $"the metadata sizes are {header.CommonMetadataSize}/{header.QtiMetadataSize}/{header.OemMetadataSize}; TSIM-MBN7 has 24/0/224"
            : header.QtiSignatureSize != 0 || header.QtiCertificateChainSize != 0 ? "the image carries a QTI signature; TSIM-MBN7 is OEM-signed only"
            : header.HashTableSize != tableSize ? $"hash_table_size is {header.HashTableSize}; {layout.ProgramHeaders.Length} program headers need {tableSize}"
            : header.OemSignatureSize is 0 or > HashSegmentHeader.MaxEcdsaP384DerSignatureSize ? $"oem_sig_size is {header.OemSignatureSize}; a DER P-384 signature is 1..104 bytes"
            : HashSegmentHeader.Size + header.PartsSize > (ulong)bytes.Length ? $"the parts add up to {HashSegmentHeader.Size + header.PartsSize} bytes; the hash segment has {bytes.Length}"
            : null;
        if (error is not null)
        {
            return error;
        }

        var common = CommonMetadata.Read(bytes[HashSegmentHeader.Size..]);
        if (common.Major != 0 || common.Minor != 0)
        {
            return $"the common metadata is version {common.Major}.{common.Minor}, not 0.0";
        }

        if (common.HashTableAlgorithm != CommonMetadata.HashAlgorithmSha384)
        {
            return $"hash_table_algorithm is {common.HashTableAlgorithm}, not 3 (SHA-384)";
        }

        if (common.MeasurementRegisterTarget > CommonMetadata.MaxMeasurementRegisterTarget)
        {
            return $"measurement_register_target is {common.MeasurementRegisterTarget}, not 0..6";
        }

        OemMetadata oem = OemMetadata.Read(bytes[(HashSegmentHeader.Size + CommonMetadata.Size)..]);
        if (oem.Major != OemMetadata.Major2 || oem.Minor != 0)
        {
            return $"the OEM metadata is version {oem.Major}.{oem.Minor}, not 2.0";
        }

        int signedLength = SignedPrefixSize + (int)tableSize;
        int signatureSize = (int)header.OemSignatureSize;
        view = new HashSegmentView(
            header,
            common,
            oem,
            bytes[..signedLength],
            bytes.Slice(SignedPrefixSize, (int)tableSize),
            bytes.Slice(signedLength, signatureSize),
            bytes.Slice(signedLength + signatureSize, (int)header.OemCertificateChainSize));
        return null;
    }

    /// <summary>The parts of a hash segment that step 2 found, as spans into the metadata.</summary>
    private readonly ref struct HashSegmentView(
        HashSegmentHeader header,
        CommonMetadata common,
        OemMetadata oem,
        ReadOnlySpan<byte> signed,
        ReadOnlySpan<byte> hashTable,
        ReadOnlySpan<byte> signature,
        ReadOnlySpan<byte> chain)
    {
        public HashSegmentHeader Header { get; } = header;

        public CommonMetadata Common { get; } = common;

        public OemMetadata Oem { get; } = oem;

        /// <summary>Header ‖ common md ‖ OEM md ‖ hash table: what the signature covers.</summary>
        public ReadOnlySpan<byte> Signed { get; } = signed;

        public ReadOnlySpan<byte> HashTable { get; } = hashTable;

        public ReadOnlySpan<byte> Signature { get; } = signature;

        public ReadOnlySpan<byte> Chain { get; } = chain;
    }
}
