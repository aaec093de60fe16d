namespace Tmel.Services.ImageAuth;

/// <summary>What TME-L reported for an image it authenticated (the response half of the RFC's SEC_AUTH struct).</summary>
/// <param name="SwId">The software id the image was authenticated as (the RFC's <c>sw_id</c>, the PAS id).</param>
/// <param name="EntryAddress">The image's entry point (<c>entry_addr</c>), as linked.</param>
/// <param name="FirstSegmentAddress">The physical address of the image's first loadable segment (<c>first_seg_addr</c>).</param>
/// <param name="FirstSegmentLength">That segment's length in bytes (<c>first_seg_len</c>).</param>
public readonly record struct ImageAuthResult(uint SwId, uint EntryAddress, uint FirstSegmentAddress, uint FirstSegmentLength);
