namespace Tmel.Services.Tmelcom;

/// <summary>One row of a FUSE_READ_MULTIPLE_ROW entry array (<c>struct tmel_fuse_payload</c>, tmelcom-services.md §3.2).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     fuse_addr   in: the fuse row's address
///  4       4     lsb_val     out: low 32 bits of the 64-bit row
///  8       4     msb_val     out: high 32 bits
///  total   12
/// </code>
/// </remarks>
/// <param name="Address">The fuse row's address (<c>fuse_addr</c>).</param>
/// <param name="Low">The row's low 32 bits (<c>lsb_val</c>).</param>
/// <param name="High">The row's high 32 bits (<c>msb_val</c>).</param>
public readonly record struct FuseEntry(uint Address, uint Low, uint High)
{
    /// <summary>The size of one entry in bytes.</summary>
    public const int Size = 12;

    /// <summary>Gets the row as one 64-bit value (<c>msb_val &lt;&lt; 32 | lsb_val</c>).</summary>
    public ulong Value => ((ulong)High << 32) | Low;

    /// <summary>Writes entries one after another.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="destination">At least 12 bytes per entry.</param>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int EncodeList(ReadOnlySpan<FuseEntry> entries, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, entries.Length * Size, nameof(destination));
        for (int i = 0; i < entries.Length; i++)
        {
            Span<byte> entry = destination[(i * Size)..];
            TmelcomWords.Write(entry, 0, entries[i].Address);
            TmelcomWords.Write(entry, 4, entries[i].Low);
            TmelcomWords.Write(entry, 8, entries[i].High);
        }

        return entries.Length * Size;
    }

    /// <summary>Reads an entry array.</summary>
    /// <param name="source">A multiple of 12 bytes.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is not a multiple of 12 bytes.</exception>
    public static FuseEntry[] DecodeList(ReadOnlySpan<byte> source)
    {
        if (source.Length % Size != 0)
        {
            TmelcomThrowHelper.ThrowMalformed("fuse entry array", $"{source.Length} bytes is not a multiple of {Size}");
        }

        var entries = new FuseEntry[source.Length / Size];
        for (int i = 0; i < entries.Length; i++)
        {
            ReadOnlySpan<byte> entry = source[(i * Size)..];
            entries[i] = new FuseEntry(TmelcomWords.Read(entry, 0), TmelcomWords.Read(entry, 4), TmelcomWords.Read(entry, 8));
        }

        return entries;
    }
}
