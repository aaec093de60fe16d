namespace Tmel.Simulator;

/// <summary>
/// The extended errors the simulated image-auth service adds to the verifier's (0x01..0x09, the structural 0x0101..0x0105
/// and 0x0201..0x0204, 0x0A00 | i, which it passes on unchanged): the checks of the SEC_AUTH request itself, before any
/// image byte is judged. Our codes; docs/image-auth.md has the table.
/// </summary>
internal static class ImageAuthErrors
{
    /// <summary>BAD_PARAMETER: <c>elf_buf</c>'s length is 0 or above <see cref="ImageAuthService.MaxMetadataLength"/>.</summary>
    public const uint ElfBufferLength = 0x1001;

    /// <summary>BAD_ADDRESS: <c>elf_buf</c> is not inside one shared-memory buffer.</summary>
    public const uint ElfBufferAddress = 0x1002;

    /// <summary>BAD_PARAMETER: <c>region_list</c> is not 1..16 whole 8-byte entries, or a region runs past 4 GiB.</summary>
    public const uint RegionList = 0x1003;

    /// <summary>BAD_ADDRESS: <c>region_list</c> is not inside one shared-memory buffer.</summary>
    public const uint RegionListAddress = 0x1004;

    /// <summary>BAD_PARAMETER: a region is empty, or two regions overlap.</summary>
    public const uint Region = 0x1005;

    /// <summary>BAD_ADDRESS: a region is not inside one shared-memory buffer.</summary>
    public const uint RegionAddress = 0x1006;

    /// <summary>BAD_PARAMETER: <c>relocate</c> is neither 0 nor 1, or is 1 without a region list.</summary>
    public const uint Relocate = 0x1007;

    /// <summary>TMEL_BUSY: the software id is already authenticated; tear it down first.</summary>
    public const uint AlreadyAuthenticated = 0x1008;

    /// <summary>TMEL_BUSY: the subsystem already has <see cref="MeasurementStore.MaxImages"/> images authenticated; tear one down first.</summary>
    public const uint TooManyImages = 0x1009;

    /// <summary>GENERIC: the verifier itself failed (a simulator bug).</summary>
    public const uint Internal = 0x10FF;
}
