namespace Tmel.Services.ImageAuth;

/// <summary>What <see cref="TsimSigningIdentity.Create"/> puts in a new test signing identity.</summary>
/// <remarks>
/// The values end up in the signer certificate's subject OUs (services.md §1.6): SW_ID and HW_ID as 16 hex digits,
/// OEM_ID and MODEL_ID as 4, so <see cref="OemId"/> and <see cref="ModelId"/> are at most 0xFFFF. <see cref="HwId"/> is at
/// most 0xFFFFFFFF because the OEM metadata's <c>jtag_id</c> it must match is a u32.
/// </remarks>
internal sealed class TsimIdentityOptions
{
    /// <summary>The software id (image type, e.g. 0x0D for the WCSS root PD) the signer certificate is issued for.</summary>
    /// <value>Default 0.</value>
    public uint SwId { get; set; }

    /// <summary>The HW_ID (JTAG id) the signer certificate names; at most 0xFFFFFFFF.</summary>
    /// <value>Default 0.</value>
    public ulong HwId { get; set; }

    /// <summary>The OEM id; at most 0xFFFF.</summary>
    /// <value>Default 0.</value>
    public uint OemId { get; set; }

    /// <summary>The OEM model (product) id; at most 0xFFFF.</summary>
    /// <value>Default 0.</value>
    public uint ModelId { get; set; }

    /// <summary>Whether the chain has an intermediate CA (signer ← CA ← root) rather than two levels (signer ← root).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ThreeLevels { get; set; } = true;

    /// <summary>How long every certificate is valid, from the moment of creation; more than zero and at most 100 years.</summary>
    /// <value>Default 10 years (3650 days).</value>
    public TimeSpan Validity { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>The start of every certificate's common name: "&lt;prefix&gt; root", "&lt;prefix&gt; CA", "&lt;prefix&gt; attestation".</summary>
    /// <value>Default "TmelRpmsg test".</value>
    public string CommonNamePrefix { get; set; } = "TmelRpmsg test";
}
