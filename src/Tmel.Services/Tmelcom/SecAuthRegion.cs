namespace Tmel.Services.Tmelcom;

/// <summary>One entry of SEC_AUTH's <c>region_list</c>: a range of memory where the image is loaded (services.md §1.8).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     base   u32 LE: bus address of the region's first byte
///  4       4     size   u32 LE: length in bytes
///  total   8
/// </code>
/// The first entry of a list is the carve-out; its base is the lowest <c>p_paddr</c> rounded down to 4 KiB.
/// Encode and decode a whole list with <see cref="SecAuthRegionList"/>.
/// </remarks>
/// <param name="Base">The bus address of the region's first byte.</param>
/// <param name="Size">The region's length in bytes.</param>
public readonly record struct SecAuthRegion(uint Base, uint Size)
{
    /// <summary>Gets the bus address one past the region's last byte, computed without overflow (above 0xFFFFFFFF when the region wraps).</summary>
    public ulong End => (ulong)Base + Size;
}
