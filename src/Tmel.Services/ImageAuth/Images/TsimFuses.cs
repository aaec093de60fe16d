namespace Tmel.Services.ImageAuth;

/// <summary>The simulated device's fuses (QFPROM) the verifier checks an image against (services.md §1.8).</summary>
public sealed class TsimFuses
{
    /// <summary>OEM_PK_HASH: the SHA-384 of the trusted root certificate's DER (48 bytes).</summary>
    /// <value>Default empty, which matches no root.</value>
    public byte[] OemPkHash { get; set; } = [];

    /// <summary>OEM_ID.</summary>
    /// <value>Default 0.</value>
    public uint OemId { get; set; }

    /// <summary>MODEL_ID (the OEM product id).</summary>
    /// <value>Default 0.</value>
    public uint ModelId { get; set; }

    /// <summary>HW_ID (the JTAG id); an image's u32 <c>jtag_id</c> never matches a value above 0xFFFFFFFF.</summary>
    /// <value>Default 0.</value>
    public ulong HwId { get; set; }

    /// <summary>The minimum anti-rollback version per software id; a software id not listed has minimum 0.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<uint, uint> MinimumAntiRollback { get; set; } = new Dictionary<uint, uint>();
}
