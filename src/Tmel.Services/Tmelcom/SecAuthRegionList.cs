using System.Buffers.Binary;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>Reads and writes SEC_AUTH's <c>region_list</c>: the buffer its <see cref="SecAuthRequest.RegionList"/> names.</summary>
/// <remarks>
/// <code>
///  offset   size  field
///  0        8     region[0]   {base u32 LE, size u32 LE}: the carve-out
///  8        8     region[1]
///  ...
///  8·(n-1)  8     region[n-1]
///  total    8·n,  0 &lt;= n &lt;= 16
/// </code>
/// The real TME-L format is not public; this is the simulator's (services.md §1.8). The reader is bounded: at most
/// <see cref="MaxCount"/> entries, a length that is a whole number of entries, and no region that runs past the end of
/// the 32-bit bus address space (sums are computed in 64 bits). An empty list (the RFC's <c>{0, 0}</c>) is valid.
/// </remarks>
public static class SecAuthRegionList
{
    /// <summary>The size of one entry in bytes.</summary>
    public const int EntrySize = 8;

    /// <summary>The most entries a list may hold (our bound; the RFC passes none).</summary>
    public const int MaxCount = 16;

    /// <summary>The largest list in bytes, <see cref="MaxCount"/> × <see cref="EntrySize"/>.</summary>
    public const int MaxByteLength = MaxCount * EntrySize;

    private const ulong AddressSpaceEnd = 1UL << 32;

    /// <summary>Writes a list of regions.</summary>
    /// <param name="regions">The regions, at most <see cref="MaxCount"/>; none may run past 0xFFFFFFFF.</param>
    /// <param name="destination">Where to write; at least <see cref="EntrySize"/> × the count bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There are more than <see cref="MaxCount"/> regions, or <paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentException">A region runs past the end of the 32-bit bus address space.</exception>
    public static int Encode(ReadOnlySpan<SecAuthRegion> regions, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(regions.Length, MaxCount, nameof(regions));
        int length = regions.Length * EntrySize;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        for (int i = 0; i < regions.Length; i++)
        {
            if (regions[i].End > AddressSpaceEnd)
            {
                throw new ArgumentException($"Region {i} ({regions[i]}) runs past the end of the 32-bit bus address space.", nameof(regions));
            }
        }

        for (int i = 0; i < regions.Length; i++)
        {
            Span<byte> entry = destination.Slice(i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, regions[i].Base);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], regions[i].Size);
        }

        return length;
    }

    /// <summary>Reads a list of regions.</summary>
    /// <param name="source">The list's bytes: a whole number of entries, at most <see cref="MaxByteLength"/>.</param>
    /// <returns>The regions, in order; empty for an empty list.</returns>
    /// <exception cref="RpmsgProtocolException">
    /// <paramref name="source"/> is longer than <see cref="MaxByteLength"/> or not a multiple of <see cref="EntrySize"/>,
    /// or a region runs past the end of the 32-bit bus address space.
    /// </exception>
    public static SecAuthRegion[] Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length > MaxByteLength)
        {
            TmelcomThrowHelper.ThrowMalformed("SEC_AUTH region list", $"{source.Length} bytes is more than {MaxCount} entries of {EntrySize}");
        }

        if (source.Length % EntrySize != 0)
        {
            TmelcomThrowHelper.ThrowMalformed("SEC_AUTH region list", $"{source.Length} bytes is not a whole number of {EntrySize}-byte entries");
        }

        var regions = new SecAuthRegion[source.Length / EntrySize];
        for (int i = 0; i < regions.Length; i++)
        {
            ReadOnlySpan<byte> entry = source.Slice(i * EntrySize, EntrySize);
            var region = new SecAuthRegion(BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
            if (region.End > AddressSpaceEnd)
            {
                TmelcomThrowHelper.ThrowMalformed("SEC_AUTH region list", $"region {i} (base 0x{region.Base:X8}, size 0x{region.Size:X8}) runs past 0xFFFFFFFF");
            }

            regions[i] = region;
        }

        return regions;
    }
}
