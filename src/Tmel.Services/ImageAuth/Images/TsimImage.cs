using System.Buffers.Binary;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// A signed TSIM-MBN7 file seen the way Linux's loader sees it: the metadata blob it sends as SEC_AUTH's <c>elf_buf</c>,
/// and the carve-out it copies the segments into (services.md §1.1, §1.7).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Metadata"/> is what <c>qcom_mdt_read_metadata</c> builds: the first phdr[0].<c>p_filesz</c> bytes (ELF header
/// and phdr table) followed directly by the hash segment's <c>p_filesz</c> bytes, the hash segment being the first phdr in
/// 1..n whose QCOM segment type is HASH. The carve-out runs from the lowest hashed PT_LOAD <c>p_paddr</c> rounded down to
/// 4 KiB to the highest <c>p_paddr + p_memsz</c> rounded up to 4 KiB; each hashed PT_LOAD (PT_LOAD, not HASH, memsz ≠ 0)
/// puts its <c>p_filesz</c> file bytes at <c>p_paddr − base</c>, and every other byte is zero.
/// </para>
/// <para>
/// Parsing is bounded: it reads the ELF and phdr checks of the verifier's step 1, checks every range against the file,
/// and allocates only the metadata copy; <see cref="CreateLoadImage"/> allocates the carve-out, at most
/// <see cref="MaxLoadSize"/> bytes. The image keeps a reference to the file for the segment bytes: do not change the file's
/// buffer while the image is in use. Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class TsimImage
{
    /// <summary>The largest carve-out an image may span (256 MiB; TME-L carve-outs are tens of MiB).</summary>
    public const int MaxLoadSize = 256 * 1024 * 1024;

    private readonly ReadOnlyMemory<byte> _file;
    private readonly LoadSegment[] _segments;

    private TsimImage(ReadOnlyMemory<byte> file, byte[] metadata, LoadSegment[] segments, ulong loadBase, int loadSize, ulong entry, uint softwareId)
    {
        _file = file;
        Metadata = metadata;
        _segments = segments;
        LoadBase = loadBase;
        LoadSize = loadSize;
        EntryAddress = entry;
        SoftwareId = softwareId;
    }

    /// <summary>The <c>elf_buf</c> content: ELF header and phdrs, then the hash segment (a copy owned by the image).</summary>
    public ReadOnlyMemory<byte> Metadata { get; }

    /// <summary>The carve-out's base: the lowest hashed segment's <c>p_paddr</c> rounded down to 4 KiB (0 without segments).</summary>
    public ulong LoadBase { get; }

    /// <summary>The carve-out's length in bytes, a multiple of 4 KiB (0 without segments).</summary>
    public int LoadSize { get; }

    /// <summary>The ELF entry point, <c>e_entry</c>.</summary>
    public ulong EntryAddress { get; }

    /// <summary>The common metadata's <c>software_id</c> (not verified: <see cref="TsimImageVerifier"/> judges it).</summary>
    public uint SoftwareId { get; }

    /// <summary>Parses a signed file.</summary>
    /// <param name="signedElf">The whole file; the image keeps a reference to it.</param>
    /// <returns>The parsed image.</returns>
    /// <exception cref="TsimImageException">
    /// The bytes are not a TSIM-MBN7 ELF (step 1's checks), there is no hash segment, a segment or the hash segment runs
    /// past the end of the file, the hash segment has no v7 header and common metadata to read the software id from, or the
    /// carve-out exceeds <see cref="MaxLoadSize"/>.
    /// </exception>
    public static TsimImage Parse(ReadOnlyMemory<byte> signedElf)
    {
        string? error = TryParse(signedElf, readSoftwareId: true, out TsimImage? image);
        if (error is not null)
        {
            TsimThrowHelper.ThrowInvalidImage("signed image", error);
        }

        return image!;
    }

    /// <summary>Places the segments into a new carve-out buffer.</summary>
    /// <returns><see cref="LoadSize"/> bytes: each hashed segment's file bytes at <c>p_paddr − </c><see cref="LoadBase"/>, zeros elsewhere.</returns>
    public byte[] CreateLoadImage()
    {
        var image = new byte[LoadSize];
        ReadOnlySpan<byte> file = _file.Span;
        foreach (LoadSegment segment in _segments)
        {
            file.Slice(segment.FileOffset, segment.FileSize).CopyTo(image.AsSpan((int)(segment.Address - LoadBase)));
        }

        return image;
    }

    /// <summary>The carve-out as <see cref="ITsimLoadedMemory"/>, read from the file without allocating it.</summary>
    internal ITsimLoadedMemory CreateLoadedMemory() => new FileLoadedMemory(_file, _segments, LoadBase, LoadSize);

    /// <summary>The parser; <paramref name="readSoftwareId"/> false skips the hash-segment header checks (the verifier makes them).</summary>
    internal static string? TryParse(ReadOnlyMemory<byte> signedElf, bool readSoftwareId, out TsimImage? image)
    {
        image = null;
        ReadOnlySpan<byte> file = signedElf.Span;
        string? error = SignedElfLayout.TryRead(file, out SignedElfLayout? layout);
        if (error is not null)
        {
            return error;
        }

        int hashIndex = layout!.FindHashSegment();
        if (hashIndex < 0)
        {
            return "no program header has the QCOM HASH segment type";
        }

        ElfProgramHeader hash = layout.ProgramHeaders[hashIndex];
        if (!FitsFile(hash.Offset, hash.FileSize, file.Length))
        {
            return $"the hash segment (phdr[{hashIndex}], offset 0x{hash.Offset:X}, 0x{hash.FileSize:X} bytes) runs past the end of the {file.Length}-byte file";
        }

        ReadOnlySpan<byte> hashSegment = file.Slice((int)hash.Offset, (int)hash.FileSize);
        uint softwareId = 0;
        if (readSoftwareId)
        {
            if (hashSegment.Length < HashSegmentHeader.Size + CommonMetadata.Size)
            {
                return $"the hash segment is {hashSegment.Length} bytes, too short for a v7 header and common metadata";
            }

            HashSegmentHeader header = HashSegmentHeader.Read(hashSegment);
            if (header.Version != HashSegmentHeader.Version7 || header.CommonMetadataSize != CommonMetadata.Size)
            {
                return $"the hash segment header is version {header.Version} with {header.CommonMetadataSize}-byte common metadata; TSIM-MBN7 is version 7 with 24";
            }

            softwareId = BinaryPrimitives.ReadUInt32LittleEndian(hashSegment[(HashSegmentHeader.Size + 8)..]);
        }

        var segments = new List<LoadSegment>();
        ulong low = ulong.MaxValue, high = 0;
        for (int i = 0; i < layout.ProgramHeaders.Length; i++)
        {
            ElfProgramHeader p = layout.ProgramHeaders[i];
            if (!p.IsHashed)
            {
                continue;
            }

            if (!FitsFile(p.Offset, p.FileSize, file.Length))
            {
                return $"phdr[{i}] (offset 0x{p.Offset:X}, 0x{p.FileSize:X} bytes) runs past the end of the {file.Length}-byte file";
            }

            segments.Add(new LoadSegment(i, p.PhysicalAddress, (int)p.Offset, (int)p.FileSize, p.MemorySize));
            low = Math.Min(low, p.PhysicalAddress);
            high = Math.Max(high, p.PhysicalAddress + p.MemorySize);
        }

        ulong loadBase = 0, loadSize = 0;
        if (segments.Count > 0)
        {
            loadBase = ElfConstants.AlignDown(low, ElfConstants.PageSize);
            loadSize = ElfConstants.AlignUp(high, ElfConstants.PageSize) - loadBase;
            if (loadSize > MaxLoadSize)
            {
                return $"the segments span a 0x{loadSize:X}-byte carve-out (from 0x{loadBase:X}); at most 0x{MaxLoadSize:X} is allowed";
            }
        }

        var metadata = new byte[layout.HeaderLength + hashSegment.Length];
        file[..layout.HeaderLength].CopyTo(metadata);
        hashSegment.CopyTo(metadata.AsSpan(layout.HeaderLength));
        image = new TsimImage(signedElf, metadata, [.. segments], loadBase, (int)loadSize, layout.Header.Entry, softwareId);
        return null;
    }

    private static bool FitsFile(ulong offset, ulong size, int fileLength) =>
        offset <= (ulong)fileLength && size <= (ulong)fileLength - offset;
}
