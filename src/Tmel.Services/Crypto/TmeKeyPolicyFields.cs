namespace Tmel.Services.Crypto;

/// <summary>The key-wrapping-key classes a key may be wrapped by (KWC, high bits 1-4 of a key policy, §4.3); none means never exported.</summary>
[Flags]
public enum TmeKeyWrapClasses
{
    /// <summary>Not wrappable: the key never leaves TME-L.</summary>
    None = 0,

    /// <summary>1: wrappable by a KWK_EXPORT key (profile <see cref="Tmelcom.Crypto.TmeKeyProfile.WrapExport"/>).</summary>
    Export = 1,

    /// <summary>2: wrappable by a KWK_STORAGE key (profile <see cref="Tmelcom.Crypto.TmeKeyProfile.WrapStorage"/>); the simulator keeps such keys in its state directory (docs/crypto-cli.md).</summary>
    Storage = 2,

    /// <summary>4: wrappable by a KWK_TRANSPORT key.</summary>
    Transport = 4,

    /// <summary>8: wrappable by a KWK_SESSION key.</summary>
    Session = 8,
}

/// <summary>The owner of a key (KO, low bits 26-29 of a key policy, §4.3).</summary>
public enum TmeKeyOwner
{
    /// <summary>0: TME hardware.</summary>
    TmeHardware = 0,

    /// <summary>1: TME firmware.</summary>
    TmeFirmware = 1,

    /// <summary>2: TrustZone (APPS-S).</summary>
    TrustZone = 2,

    /// <summary>3: HLOS/HYP (APPS-NS).</summary>
    Hlos = 3,

    /// <summary>4: the modem.</summary>
    Modem = 4,

    /// <summary>5: QSM.</summary>
    Qsm = 5,
}

/// <summary>The users authorised to use a key (KAU, high bits 16-27 of a key policy, §4.3).</summary>
[Flags]
public enum TmeKeyUsers
{
    /// <summary>Nobody.</summary>
    None = 0,

    /// <summary>0x001: TME hardware.</summary>
    TmeHardware = 0x001,

    /// <summary>0x002: TME firmware.</summary>
    TmeFirmware = 0x002,

    /// <summary>0x004: TrustZone.</summary>
    TrustZone = 0x004,

    /// <summary>0x008: HLOS/HYP.</summary>
    Hlos = 0x008,

    /// <summary>0x010: the modem.</summary>
    Modem = 0x010,

    /// <summary>0x040: QSM.</summary>
    Qsm = 0x040,

    /// <summary>0xFFF: everybody.</summary>
    All = 0xFFF,
}

/// <summary>Where a key may be sent (KD of a version-4 policy, high bits 6-11, §4.3).</summary>
[Flags]
public enum TmeKeyDestinations
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>0x01: TME hardware.</summary>
    TmeHardware = 0x01,

    /// <summary>0x02: ICE.</summary>
    Ice = 0x02,

    /// <summary>0x04: GPCE.</summary>
    Gpce = 0x04,

    /// <summary>0x08: the modem crypto engine.</summary>
    ModemCe = 0x08,

    /// <summary>0x10: TICE.</summary>
    Tice = 0x10,

    /// <summary>0x20: PCIe.</summary>
    Pcie = 0x20,
}

/// <summary>A key's security level (KSL, low bits 20-21 of a key policy, §4.3).</summary>
public enum TmeKeySecurityLevel
{
    /// <summary>0: a software key.</summary>
    Software = 0,

    /// <summary>1: an import key (hardware-managed).</summary>
    Import = 1,

    /// <summary>2: a hardware key.</summary>
    Hardware = 2,
}

/// <summary>A key's lineage (KLI, low bits 30-31 of a key policy, §4.3).</summary>
public enum TmeKeyLineage
{
    /// <summary>0: not applicable.</summary>
    NotApplicable = 0,

    /// <summary>1: not provisioned, chip unique.</summary>
    NotProvisionedChipUnique = 1,

    /// <summary>2: provisioned, not chip unique.</summary>
    ProvisionedNotChipUnique = 2,

    /// <summary>3: provisioned and chip unique.</summary>
    ProvisionedChipUnique = 3,
}
