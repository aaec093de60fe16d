namespace Tmel.Services.Device;

/// <summary>What GET_STATE reported: the state bits and the patch-version text.</summary>
/// <param name="State">The raw state word: bit 0 <c>tme_patch_status</c>, bit 1 <c>tme_mode</c>.</param>
/// <param name="PatchVersion">The patch-version text (ASCII).</param>
public sealed record DeviceState(uint State, string PatchVersion)
{
    /// <summary>Gets a value indicating whether bit 0 (<c>tme_patch_status</c>) is set: a patch is applied.</summary>
    public bool PatchApplied => (State & 1) != 0;

    /// <summary>Gets a value indicating whether bit 1 (<c>tme_mode</c>) is set: the simulator's mission (secure) mode.</summary>
    public bool MissionMode => (State & 2) != 0;
}
