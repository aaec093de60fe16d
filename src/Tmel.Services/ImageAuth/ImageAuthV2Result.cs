namespace Tmel.Services.ImageAuth;

/// <summary>What TME-L reported for an image it authenticated with SEC_AUTH_V2 (UID 0x000F).</summary>
/// <param name="Image">The fields SEC_AUTH reports too: software id, entry address, first segment.</param>
/// <param name="IntegrityCheck">Whether the request set <c>ns_integrity_check</c> (bit 0 of <c>flags</c>).</param>
/// <param name="KeyHandle">The <c>key_handle</c> word TME-L wrote (its meaning is a gap in the sheet; the simulator writes 0).</param>
public readonly record struct ImageAuthV2Result(ImageAuthResult Image, bool IntegrityCheck, uint KeyHandle);
