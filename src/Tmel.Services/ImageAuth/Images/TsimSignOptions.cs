namespace Tmel.Services.ImageAuth;

/// <summary>The metadata <see cref="TsimImageSigner.Sign"/> writes into a TSIM-MBN7 image.</summary>
/// <remarks>
/// <see cref="SwId"/>, <see cref="HwId"/>, <see cref="OemId"/> and <see cref="ModelId"/> must equal the signer
/// certificate's OU fields (the verifier checks that they agree); the signer refuses options that do not.
/// </remarks>
internal sealed class TsimSignOptions
{
    /// <summary>The software id written to the common metadata (SEC_AUTH's <c>sw_id</c> must match it).</summary>
    /// <value>Default 0.</value>
    public uint SwId { get; set; }

    /// <summary>The OEM id written to the OEM metadata.</summary>
    /// <value>Default 0.</value>
    public uint OemId { get; set; }

    /// <summary>The OEM product (model) id written to the OEM metadata.</summary>
    /// <value>Default 0.</value>
    public uint ModelId { get; set; }

    /// <summary>The HW_ID written to the OEM metadata's <c>jtag_id</c> (a u32, so at most 0xFFFFFFFF).</summary>
    /// <value>Default 0.</value>
    public ulong HwId { get; set; }

    /// <summary>The anti-rollback version, 0..127; the verifier wants it at least the fused minimum for the sw_id.</summary>
    /// <value>Default 0.</value>
    public uint AntiRollbackVersion { get; set; }

    /// <summary>Where the measurement is recorded: 0 none, 1..2 HW register #1..#2, 3..6 FW register #1..#4.</summary>
    /// <value>Default 3 (FW measurement register #1).</value>
    public uint MeasurementRegisterTarget { get; set; } = 3;

    /// <summary>The OEM lifecycle state written to the OEM metadata (1 development, 2 production; not bound).</summary>
    /// <value>Default 1 (development).</value>
    public ulong OemLifecycleState { get; set; } = 1;
}
