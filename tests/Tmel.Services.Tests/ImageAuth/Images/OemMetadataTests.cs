using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>Golden bytes of the 224-byte OEM metadata 2.0 (services.md §1.4 offsets) and of TSIM-MBN7's flags word, derived by hand.</summary>
public class OemMetadataTests
{
    // Flags, two bits per field, 01 = false and 10 = true (debug: 10 = disabled):
    //   bits 21-20 transfer root  01 | 19-18 debug 10 (disabled) | 17-16 root hash 10 | 15-14 OEM lifecycle 01
    //   13-12 SoC lifecycle 01 | 11-10 product id 10 | 9-8 OEM id 10 | 7-6 serials 01 | 5-4 JTAG id 10
    //   3-2 feature id 01 | 1-0 SoC HW versions 01
    //   = 01 1010 0101 1010 0110 0101 = 0x1A5A65
    private const uint TsimFlags = 0x001A_5A65;

    private static readonly byte[] s_rootHash = [.. Enumerable.Range(0, 48).Select(i => (byte)(0xA0 + i))];

    private static readonly string s_oemHex =
        "02000000" +                                      // 0   major                          2
        "00000000" +                                      // 4   minor                          0
        "04000000" +                                      // 8   anti_rollback_version          4
        "00000000" +                                      // 12  root_cert_index                0
        new string('0', 96) +                             // 16  soc_hw_versions[12]            zero
        "00000000" +                                      // 64  soc_feature_id                 0
        "E1001300" +                                      // 68  jtag_id                        0x001300E1
        new string('0', 128) +                            // 72  serial_numbers[8] (u64)        zero
        "42000000" +                                      // 136 oem_id                         0x42
        "34120000" +                                      // 140 oem_product_id                 0x1234
        "0100000000000000" +                              // 144 oem_lifecycle_state (u64)      1 development
        "03000000" +                                      // 152 oem_root_cert_hash_algorithm   3 SHA-384
        Convert.ToHexString(s_rootHash) + new string('0', 32) + // 156 oem_root_cert_hash     48 bytes + 16 zero
        "655A1A00";                                       // 220 flags                          0x001A5A65

    [Fact]
    public void Flags_TsimValue_IsTheHandDerivedWord()
    {
        Assert.Equal(0x0015_5555u, OemMetadata.AllFalseFlags);
        Assert.Equal(TsimFlags, OemMetadata.TsimFlags);
        Assert.Equal(OemMetadata.DebugDisabled, OemMetadata.Field(TsimFlags, OemMetadata.FlagDebug));
        Assert.Equal(OemMetadata.FlagFalse, OemMetadata.Field(TsimFlags, OemMetadata.FlagSerialNumbers));
    }

    [Fact]
    public void Write_MatchesGoldenBytes()
    {
        var bytes = Enumerable.Repeat((byte)0xEE, OemMetadata.Size).ToArray();
        Metadata().Write(bytes);
        Assert.Equal(448, s_oemHex.Length);
        Assert.Equal(s_oemHex, Convert.ToHexString(bytes));
    }

    [Fact]
    public void Read_GoldenBytes_ReadsEveryField()
    {
        OemMetadata read = OemMetadata.Read(Convert.FromHexString(s_oemHex));
        Assert.Equal(2u, read.Major);
        Assert.Equal(0u, read.Minor);
        Assert.Equal(4u, read.AntiRollbackVersion);
        Assert.Equal(0u, read.RootCertIndex);
        Assert.Equal(0u, read.SocFeatureId);
        Assert.Equal(0x001300E1u, read.JtagId);
        Assert.Equal(0x42u, read.OemId);
        Assert.Equal(0x1234u, read.OemProductId);
        Assert.Equal(1ul, read.OemLifecycleState);
        Assert.Equal(3u, read.RootCertHashAlgorithm);
        Assert.Equal([.. s_rootHash, .. new byte[16]], read.RootCertHash);
        Assert.Equal(TsimFlags, read.Flags);
        Assert.Equal(0u, read.UnusedFlagBits);
    }

    private static OemMetadata Metadata()
    {
        var hash = new byte[OemMetadata.RootCertHashSize];
        s_rootHash.CopyTo(hash, 0);
        return new OemMetadata
        {
            AntiRollbackVersion = 4,
            JtagId = 0x001300E1,
            OemId = 0x42,
            OemProductId = 0x1234,
            OemLifecycleState = 1,
            RootCertHashAlgorithm = 3,
            RootCertHash = hash,
            Flags = OemMetadata.TsimFlags,
        };
    }
}
