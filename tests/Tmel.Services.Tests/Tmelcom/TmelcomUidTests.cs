using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Each UID constant is the fact sheet's (msg_type, action_id) pair: qmp-rfc.md §5.2 and services.md §4.3.</summary>
public class TmelcomUidTests
{
    [Theory]
    // msg_type, action_id, constant, fact-sheet name
    [InlineData(0x00, 0x04, TmelcomUid.SecAuth, "SECBOOT SEC_AUTH")]
    [InlineData(0x00, 0x0A, TmelcomUid.TearDown, "SECBOOT SS_TEAR_DOWN")]
    [InlineData(0x00, 0x09, TmelcomUid.GetArbVersion, "SECBOOT GET_ARB_VERSION")]
    [InlineData(0x00, 0x0C, TmelcomUid.GetState, "SECBOOT GET_STATE")]
    [InlineData(0x00, 0x0D, TmelcomUid.UpdateArbVersionSwIdList, "SECBOOT UPDATE_ARB_VER_SWID_LIST")]
    [InlineData(0x00, 0x0F, TmelcomUid.SecAuthV2, "SECBOOT SEC_AUTH_V2")]
    [InlineData(0x03, 0x06, TmelcomUid.FuseReadMultipleRow, "FUSE READ_MULTIPLE_ROW")]
    [InlineData(0xFF, 0x01, TmelcomUid.LoopbackTest, "LOOPBACK_TEST MBOX_ADD_VAL")]
    [InlineData(0x01, 0x01, TmelcomUid.CryptoGetRandom, "CRYPTO GET_RANDOM")]
    [InlineData(0x07, 0x01, TmelcomUid.KmClear, "KM CLEAR")]
    [InlineData(0x07, 0x02, TmelcomUid.KmImport, "KM IMPORT")]
    [InlineData(0x07, 0x03, TmelcomUid.KmGenerate, "KM GENERATE")]
    [InlineData(0x07, 0x04, TmelcomUid.KmDerive, "KM DERIVE")]
    [InlineData(0x07, 0x05, TmelcomUid.KmWrap, "KM WRAP")]
    [InlineData(0x07, 0x06, TmelcomUid.KmUnwrap, "KM UNWRAP")]
    [InlineData(0x07, 0x07, TmelcomUid.KmDistribute, "KM DISTRIBUTE")]
    [InlineData(0x07, 0x08, TmelcomUid.KmExportEcdhIpKey, "KM EXPORT_ECDH_IP_KEY")]
    [InlineData(0x0B, 0x01, TmelcomUid.HcsShaDigest, "HCS SHA_DIGEST")]
    [InlineData(0x0B, 0x02, TmelcomUid.HcsHmacDigest, "HCS HMAC_DIGEST")]
    [InlineData(0x0B, 0x03, TmelcomUid.HcsEccSignDigest, "HCS ECC_SIGN_DIGEST")]
    [InlineData(0x0B, 0x04, TmelcomUid.HcsEccSignMessage, "HCS ECC_SIGN_MSG")]
    [InlineData(0x0B, 0x05, TmelcomUid.HcsEccVerifyDigest, "HCS ECC_VERIFY_DIGEST")]
    [InlineData(0x0B, 0x06, TmelcomUid.HcsEccVerifyMessage, "HCS ECC_VERIFY_MSG")]
    [InlineData(0x0B, 0x07, TmelcomUid.HcsEccGetPublicKey, "HCS ECC_GET_PUBKEY")]
    [InlineData(0x0B, 0x08, TmelcomUid.HcsEcdhGetPublicKey, "HCS ECDH_GET_PUBKEY")]
    [InlineData(0x0B, 0x09, TmelcomUid.HcsEcdhSharedSecret, "HCS ECDH_SHARED_SECRET")]
    [InlineData(0x0B, 0x0A, TmelcomUid.HcsAesEncrypt, "HCS AES_ENCRYPT")]
    [InlineData(0x0B, 0x0B, TmelcomUid.HcsAesDecrypt, "HCS AES_DECRYPT")]
    [InlineData(0x0B, 0x0C, TmelcomUid.HcsPrngGet, "HCS PRNG_GET")]
    [InlineData(0x0C, 0x00, TmelcomUid.QwesInitAttestation, "QWES INIT_ATTESTATION")]
    [InlineData(0x0C, 0x01, TmelcomUid.QwesDeviceAttestation, "QWES DEVICE_ATTESTATION")]
    public void Constant_IsTheFactSheetPair(byte messageType, byte actionId, ushort uid, string name)
    {
        Assert.Equal(uid, TmelcomUid.Create(messageType, actionId));
        Assert.Equal(name, TmelcomUid.GetName(uid));

        // In a packet the pair lands in bytes 1 and 2.
        byte[] wire = new byte[24];
        TmelcomPacket.Encode(TmelcomPacket.CreateInline(uid, []), wire);
        Assert.Equal((messageType, actionId), (wire[1], wire[2]));
    }

    [Fact]
    public void Create_PutsMessageTypeInTheHighByte() => Assert.Equal(0xABCD, TmelcomUid.Create(0xAB, 0xCD));

    [Fact]
    public void Describe_UnnamedUid_IsJustHex()
    {
        Assert.Null(TmelcomUid.GetName(0xFF7F));
        Assert.Equal("0xFF7F", TmelcomUid.Describe(0xFF7F));
        Assert.Equal("0x0C01 (QWES DEVICE_ATTESTATION)", TmelcomUid.Describe(TmelcomUid.QwesDeviceAttestation));
    }
}
