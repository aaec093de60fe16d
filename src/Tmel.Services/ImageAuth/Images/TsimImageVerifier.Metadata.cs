using System.Security.Cryptography;

namespace Tmel.Services.ImageAuth;

/// <summary>Step 8: the OEM metadata's bindings against the fuses, then debug and anti-rollback.</summary>
internal static partial class TsimImageVerifier
{
    private static readonly (int Field, string Name)[] s_requiredBindings =
    [
        (OemMetadata.FlagJtagId, "the JTAG (HW) id"),
        (OemMetadata.FlagOemId, "the OEM id"),
        (OemMetadata.FlagOemProductId, "the OEM product id"),
        (OemMetadata.FlagOemRootCertHash, "the OEM root-cert hash"),
    ];

    private static readonly (int Field, string Name)[] s_unsupportedBindings =
    [
        (OemMetadata.FlagSocHwVersions, "SoC HW versions"),
        (OemMetadata.FlagFeatureId, "the feature id"),
        (OemMetadata.FlagSerialNumbers, "serial numbers"),
        (OemMetadata.FlagSocLifecycle, "the SoC lifecycle"),
        (OemMetadata.FlagOemLifecycle, "the OEM lifecycle"),
        (OemMetadata.FlagTransferRoot, "transfer root"),
    ];

    private static string? CheckBindings(OemMetadata oem, TsimFuses fuses)
    {
        if (oem.UnusedFlagBits != 0)
        {
            return $"flags 0x{oem.Flags:X8} set bits above bit 21";
        }

        foreach ((int field, string name) in s_requiredBindings)
        {
            if (OemMetadata.Field(oem.Flags, field) != OemMetadata.FlagTrue)
            {
                return $"the image is not bound to {name} (flags 0x{oem.Flags:X8})";
            }
        }

        foreach ((int field, string name) in s_unsupportedBindings)
        {
            if (OemMetadata.Field(oem.Flags, field) != OemMetadata.FlagFalse)
            {
                return $"the image binds {name}, which the simulator's fuses cannot check (flags 0x{oem.Flags:X8})";
            }
        }

        byte[] fusedRoot = fuses.OemPkHash ?? [];
        ReadOnlySpan<byte> hash = oem.RootCertHash;
        return oem.JtagId != fuses.HwId ? $"jtag_id 0x{oem.JtagId:X} differs from the fused HW_ID 0x{fuses.HwId:X}"
            : oem.OemId != fuses.OemId ? $"oem_id 0x{oem.OemId:X} differs from the fused OEM_ID 0x{fuses.OemId:X}"
            : oem.OemProductId != fuses.ModelId ? $"oem_product_id 0x{oem.OemProductId:X} differs from the fused MODEL_ID 0x{fuses.ModelId:X}"
            : oem.RootCertIndex != 0 ? $"root_cert_index is {oem.RootCertIndex}; one root is fused, index 0"
            : oem.RootCertHashAlgorithm != CommonMetadata.HashAlgorithmSha384 ? $"oem_root_cert_hash_algorithm is {oem.RootCertHashAlgorithm}, not 3 (SHA-384)"
            : !CryptographicOperations.FixedTimeEquals(hash[..HashTable.EntrySize], fusedRoot) || hash[HashTable.EntrySize..].ContainsAnyExcept((byte)0)
                ? "oem_root_cert_hash differs from OEM_PK_HASH"
            : null;
    }

    private static string? CheckDebugAndRollback(OemMetadata oem, uint swId, TsimFuses fuses)
    {
        uint debug = OemMetadata.Field(oem.Flags, OemMetadata.FlagDebug);
        if (debug == OemMetadata.DebugEnabledForSerial)
        {
            return "the image enables debug for a serial number; the simulator fuses no serial number";
        }

        if (debug is not (OemMetadata.FlagFalse or OemMetadata.DebugDisabled))
        {
            return $"the debug field is {debug}, not 1 (no-op) or 2 (disabled)";
        }

        if (oem.AntiRollbackVersion > OemMetadata.MaxAntiRollbackVersion)
        {
            return $"anti_rollback_version {oem.AntiRollbackVersion} is above {OemMetadata.MaxAntiRollbackVersion}";
        }

        uint minimum = fuses.MinimumAntiRollback is { } table && table.TryGetValue(swId, out uint fused) ? fused : 0;
        return oem.AntiRollbackVersion < minimum ? $"anti_rollback_version {oem.AntiRollbackVersion} is below the fused minimum {minimum} for sw_id 0x{swId:X}" : null;
    }
}
