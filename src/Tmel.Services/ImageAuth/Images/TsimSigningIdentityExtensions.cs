namespace Tmel.Services.ImageAuth;

/// <summary>What a signing identity implies for the images it signs and the device that trusts it.</summary>
internal static class TsimSigningIdentityExtensions
{
    /// <summary>Gets the software id in the signer certificate's SW_ID field (its low 32 bits: the image type).</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>The software id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    public static uint GetSoftwareId(this TsimSigningIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return (uint)identity.Fields.SwId;
    }

    /// <summary>Creates signing options whose OEM id, model id and HW id match the signer certificate, as verification requires.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="softwareId">The image's software id; the certificate's SW_ID when <see langword="null"/>.</param>
    /// <param name="antiRollbackVersion">The image's anti-rollback version.</param>
    /// <returns>New options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    public static TsimSignOptions CreateSignOptions(this TsimSigningIdentity identity, uint? softwareId = null, uint antiRollbackVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new TsimSignOptions
        {
            SwId = softwareId ?? (uint)identity.Fields.SwId,
            OemId = identity.Fields.OemId,
            ModelId = identity.Fields.ModelId,
            HwId = identity.Fields.HwId,
            AntiRollbackVersion = antiRollbackVersion,
        };
    }

    /// <summary>Creates the fuses of a device that trusts this identity: OEM_PK_HASH of its root, and the OEM, model and HW ids of its signer.</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>New fuses, with no anti-rollback minimums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    public static TsimFuses CreateFuses(this TsimSigningIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new TsimFuses
        {
            OemPkHash = identity.OemPkHash,
            OemId = identity.Fields.OemId,
            ModelId = identity.Fields.ModelId,
            HwId = identity.Fields.HwId,
        };
    }
}
