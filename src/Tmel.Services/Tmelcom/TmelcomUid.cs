namespace Tmel.Services.Tmelcom;

/// <summary>TMELCOM message UIDs: <c>msg_type &lt;&lt; 8 | action_id</c>, the request kinds a TME-L service answers.</summary>
/// <remarks>
/// <para>
/// The upstream RFC defines two: <see cref="SecAuth"/> and <see cref="TearDown"/> (msg_type SECBOOT = 0x00). The others
/// come from the downstream QSDK list (<c>tmelcom_message_uids.h</c>, services.md §4.3) and are the ones the attestation
/// (QWES 0x0C) and crypto (KM 0x07, HCS 0x0B, CRYPTO 0x01) services use; this class names them, it does not implement them.
/// </para>
/// <para>
/// The RFC reserves msg_type 0xF1..0xFF and action_id 0xC0..0xFF for tests. On the wire a UID is 16 bits; the RFC's
/// <c>u32</c> form keeps bits 31..16 reserved (zero).
/// </para>
/// </remarks>
public static class TmelcomUid
{
    /// <summary>SECBOOT SEC_AUTH (0x0004): authenticate an image (the RFC's 44-byte struct, SRAM path).</summary>
    public const ushort SecAuth = 0x0004;

    /// <summary>SECBOOT SS_TEAR_DOWN (0x000A): tear down an authenticated subsystem (the RFC's 12-byte struct, inline).</summary>
    public const ushort TearDown = 0x000A;

    /// <summary>SECBOOT GET_ARB_VERSION (0x0009): read an image's anti-rollback version (12-byte struct, inline).</summary>
    public const ushort GetArbVersion = 0x0009;

    /// <summary>SECBOOT GET_STATE (0x000C): TME-L's state bits and patch version (20-byte struct, inline).</summary>
    public const ushort GetState = 0x000C;

    /// <summary>SECBOOT UPDATE_ARB_VER_SWID_LIST (0x000D): commit the anti-rollback versions of listed images (12-byte struct, inline).</summary>
    public const ushort UpdateArbVersionSwIdList = 0x000D;

    /// <summary>SECBOOT SEC_AUTH_V2 (0x000F): SEC_AUTH with the integrity flag and a key handle (60-byte struct, SRAM path).</summary>
    public const ushort SecAuthV2 = 0x000F;

    /// <summary>FUSE READ_MULTIPLE_ROW (0x0306): read fuse rows through an entry array (16-byte struct, inline).</summary>
    public const ushort FuseReadMultipleRow = 0x0306;

    /// <summary>LOOPBACK_TEST MBOX_ADD_VAL (0xFF01): TME-L adds two values (8- or 12-byte struct, inline).</summary>
    public const ushort LoopbackTest = 0xFF01;

    /// <summary>CRYPTO GET_RANDOM (0x0101).</summary>
    public const ushort CryptoGetRandom = 0x0101;

    /// <summary>KM CLEAR (0x0701): destroy a key.</summary>
    public const ushort KmClear = 0x0701;

    /// <summary>KM IMPORT (0x0702): import a key.</summary>
    public const ushort KmImport = 0x0702;

    /// <summary>KM GENERATE (0x0703): generate a key.</summary>
    public const ushort KmGenerate = 0x0703;

    /// <summary>KM DERIVE (0x0704): derive a key.</summary>
    public const ushort KmDerive = 0x0704;

    /// <summary>KM WRAP (0x0705): wrap a key.</summary>
    public const ushort KmWrap = 0x0705;

    /// <summary>KM UNWRAP (0x0706): unwrap a key.</summary>
    public const ushort KmUnwrap = 0x0706;

    /// <summary>KM DISTRIBUTE (0x0707).</summary>
    public const ushort KmDistribute = 0x0707;

    /// <summary>KM EXPORT_ECDH_IP_KEY (0x0708).</summary>
    public const ushort KmExportEcdhIpKey = 0x0708;

    /// <summary>HCS SHA_DIGEST (0x0B01).</summary>
    public const ushort HcsShaDigest = 0x0B01;

    /// <summary>HCS HMAC_DIGEST (0x0B02).</summary>
    public const ushort HcsHmacDigest = 0x0B02;

    /// <summary>HCS ECC_SIGN_DIGEST (0x0B03).</summary>
    public const ushort HcsEccSignDigest = 0x0B03;

    /// <summary>HCS ECC_SIGN_MSG (0x0B04).</summary>
    public const ushort HcsEccSignMessage = 0x0B04;

    /// <summary>HCS ECC_VERIFY_DIGEST (0x0B05).</summary>
    public const ushort HcsEccVerifyDigest = 0x0B05;

    /// <summary>HCS ECC_VERIFY_MSG (0x0B06).</summary>
    public const ushort HcsEccVerifyMessage = 0x0B06;

    /// <summary>HCS ECC_GET_PUBKEY (0x0B07): export a public key.</summary>
    public const ushort HcsEccGetPublicKey = 0x0B07;

    /// <summary>HCS ECDH_GET_PUBKEY (0x0B08).</summary>
    public const ushort HcsEcdhGetPublicKey = 0x0B08;

    /// <summary>HCS ECDH_SHARED_SECRET (0x0B09): the shared secret stays inside as a key.</summary>
    public const ushort HcsEcdhSharedSecret = 0x0B09;

    /// <summary>HCS AES_ENCRYPT (0x0B0A).</summary>
    public const ushort HcsAesEncrypt = 0x0B0A;

    /// <summary>HCS AES_DECRYPT (0x0B0B).</summary>
    public const ushort HcsAesDecrypt = 0x0B0B;

    /// <summary>HCS PRNG_GET (0x0B0C).</summary>
    public const ushort HcsPrngGet = 0x0B0C;

    /// <summary>QWES INIT_ATTESTATION (0x0C00): returns the attestation key material.</summary>
    public const ushort QwesInitAttestation = 0x0C00;

    /// <summary>QWES DEVICE_ATTESTATION (0x0C01): returns an attestation token over the caller's request.</summary>
    public const ushort QwesDeviceAttestation = 0x0C01;

    /// <summary>Builds a UID from its two bytes.</summary>
    /// <param name="messageType">The service group (<c>msg_type</c>), UID bits 15..8.</param>
    /// <param name="actionId">The action inside the group (<c>action_id</c>), UID bits 7..0.</param>
    /// <returns><c>messageType &lt;&lt; 8 | actionId</c>.</returns>
    public static ushort Create(byte messageType, byte actionId) => (ushort)((messageType << 8) | actionId);

    /// <summary>Returns the fact sheet's name of a UID this class defines, for messages and logs; <see langword="null"/> for any other.</summary>
    internal static string? GetName(ushort uid) => uid switch
    {
        SecAuth => "SECBOOT SEC_AUTH",
        TearDown => "SECBOOT SS_TEAR_DOWN",
        GetArbVersion => "SECBOOT GET_ARB_VERSION",
        GetState => "SECBOOT GET_STATE",
        UpdateArbVersionSwIdList => "SECBOOT UPDATE_ARB_VER_SWID_LIST",
        SecAuthV2 => "SECBOOT SEC_AUTH_V2",
        FuseReadMultipleRow => "FUSE READ_MULTIPLE_ROW",
        LoopbackTest => "LOOPBACK_TEST MBOX_ADD_VAL",
        CryptoGetRandom => "CRYPTO GET_RANDOM",
        KmClear => "KM CLEAR",
        KmImport => "KM IMPORT",
        KmGenerate => "KM GENERATE",
        KmDerive => "KM DERIVE",
        KmWrap => "KM WRAP",
        KmUnwrap => "KM UNWRAP",
        KmDistribute => "KM DISTRIBUTE",
        KmExportEcdhIpKey => "KM EXPORT_ECDH_IP_KEY",
        HcsShaDigest => "HCS SHA_DIGEST",
        HcsHmacDigest => "HCS HMAC_DIGEST",
        HcsEccSignDigest => "HCS ECC_SIGN_DIGEST",
        HcsEccSignMessage => "HCS ECC_SIGN_MSG",
        HcsEccVerifyDigest => "HCS ECC_VERIFY_DIGEST",
        HcsEccVerifyMessage => "HCS ECC_VERIFY_MSG",
        HcsEccGetPublicKey => "HCS ECC_GET_PUBKEY",
        HcsEcdhGetPublicKey => "HCS ECDH_GET_PUBKEY",
        HcsEcdhSharedSecret => "HCS ECDH_SHARED_SECRET",
        HcsAesEncrypt => "HCS AES_ENCRYPT",
        HcsAesDecrypt => "HCS AES_DECRYPT",
        HcsPrngGet => "HCS PRNG_GET",
        QwesInitAttestation => "QWES INIT_ATTESTATION",
        QwesDeviceAttestation => "QWES DEVICE_ATTESTATION",
        _ => null,
    };

    /// <summary>Formats a UID as <c>0x0004 (SECBOOT SEC_AUTH)</c>, or just the hex for a UID without a name here.</summary>
    internal static string Describe(ushort uid) => GetName(uid) is { } name ? $"0x{uid:X4} ({name})" : $"0x{uid:X4}";
}
