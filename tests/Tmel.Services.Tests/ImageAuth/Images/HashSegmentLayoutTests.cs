using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>
/// Golden bytes of the 40-byte v7 hash-segment header and the 24-byte common metadata, derived by hand from services.md
/// §1.3 (v7 column) and §1.4 (common metadata v0.0), with TSIM-MBN7's values from §1.8.
/// </summary>
public class HashSegmentLayoutTests
{
    // A 5-phdr image (ELF header, hash segment, three PT_LOADs), a 103-byte DER signature and a 1472-byte chain.
    internal const string HeaderHex =
        "00000000" + // 0  image_id (reserved)      0
        "07000000" + // 4  version                  7
        "18000000" + // 8  common_md_size           24
        "00000000" + // 12 qti_md_size              0 (OEM-only)
        "E0000000" + // 16 oem_md_size              224
        "F0000000" + // 20 hash_table_size          48 x 5 = 240
        "00000000" + // 24 qti_sig_size             0
        "00000000" + // 28 qti_cert_chain_size      0
        "67000000" + // 32 oem_sig_size             103
        "C0050000";  // 36 oem_cert_chain_size      1472

    internal const string CommonHex =
        "00000000" + // 0  major                        0
        "00000000" + // 4  minor                        0
        "0D000000" + // 8  software_id                  0x0D (WCSS root PD)
        "00000000" + // 12 secondary_software_id        0
        "03000000" + // 16 hash_table_algorithm         3 = SHA-384
        "03000000";  // 20 measurement_register_target  3 = FW MR #1

    [Fact]
    public void HashSegmentHeader_ForTsim_MatchesGoldenBytes()
    {
        var bytes = new byte[HashSegmentHeader.Size];
        HashSegmentHeader.ForTsim(programHeaderCount: 5, signatureSize: 103, chainSize: 1472).Write(bytes);
        Assert.Equal(HeaderHex, Convert.ToHexString(bytes));
    }

    [Fact]
    public void HashSegmentHeader_Read_GoldenBytes_ReadsEveryField()
    {
        HashSegmentHeader header = HashSegmentHeader.Read(Convert.FromHexString(HeaderHex));
        Assert.Equal(new HashSegmentHeader(0, 7, 24, 0, 224, 240, 0, 0, 103, 1472), header);
        Assert.Equal(24ul + 224 + 240 + 103 + 1472, header.PartsSize);
    }

    [Fact]
    public void HashSegmentHeader_PartsSize_HugeClaims_DoNotOverflow()
    {
        var header = new HashSegmentHeader(0, 7, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue);
        Assert.Equal(8ul * uint.MaxValue, header.PartsSize);
    }

    [Fact]
    public void CommonMetadata_Write_MatchesGoldenBytes()
    {
        var bytes = new byte[CommonMetadata.Size];
        new CommonMetadata(0, 0, 0x0D, 0, CommonMetadata.HashAlgorithmSha384, 3).Write(bytes);
        Assert.Equal(CommonHex, Convert.ToHexString(bytes));
    }

    [Fact]
    public void CommonMetadata_Read_GoldenBytes_ReadsEveryField()
    {
        Assert.Equal(new CommonMetadata(0, 0, 0x0D, 0, 3, 3), CommonMetadata.Read(Convert.FromHexString(CommonHex)));
    }

    [Fact]
    public void Sizes_AreTheSheets()
    {
        Assert.Equal(40, HashSegmentHeader.Size);
        Assert.Equal(24, CommonMetadata.Size);
        Assert.Equal(224, OemMetadata.Size);
        Assert.Equal(48, HashTable.EntrySize);
        Assert.Equal(104, HashSegmentHeader.MaxEcdsaP384DerSignatureSize);
    }
}
