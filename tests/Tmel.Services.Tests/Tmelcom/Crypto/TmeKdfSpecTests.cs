using Rpmsg.Core;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>Golden bytes of the 232-byte KDF spec (tmelcom-services.md §4.6 offsets), with the Linux seccrypt derive's values (§3.4 table) but a short context.</summary>
public class TmeKdfSpecTests
{
    // sw_context "ctx" (3 bytes), salt_label "label" (5 bytes); unused tails zero.
    private static readonly string s_goldenHex =
        "00000800" + // 0   kdf_algo 0x80000 NIST
        "09000000" + // 4   input_key 9 CRBK
        "00000000" + // 8   mix_key 0
        "07000000" + // 12  l2_key 7
        "204C204C" + // 16  policy.low 0x4C204C20
        "40400800" + // 20  policy.high 0x00084040
        "637478" + new string('0', 125 * 2) + // 24 sw_context[128]
        "03000000" + // 152 sw_context_len 3
        "20000000" + // 156 security_context 0x20 SWContext
        "6C6162656C" + new string('0', 59 * 2) + // 160 salt_label[64]
        "05000000" + // 224 salt_label_len 5
        "00800500"; //  228 prf_digest_algo 0x58000 SHA512_HMAC

    private static TmeKdfSpec Golden() => new()
    {
        KdfAlgorithm = TmeCryptoIds.KdfNist,
        InputKey = 9,
        MixKey = 0,
        L2Key = 7,
        Policy = new TmeKeyPolicy(0x4C204C20, 0x00084040),
        SoftwareContext = "ctx"u8.ToArray(),
        SecurityContext = 0x20,
        SaltLabel = "label"u8.ToArray(),
        PrfDigestAlgorithm = TmeCryptoIds.PrfSha512Hmac,
    };

    [Fact]
    public void Encode_MatchesGoldenBytes()
    {
        byte[] buffer = Enumerable.Repeat((byte)0xEE, 232).ToArray();
        Assert.Equal(232, Golden().Encode(buffer));
        Assert.Equal(s_goldenHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField()
    {
        TmeKdfSpec spec = TmeKdfSpec.Decode(Convert.FromHexString(s_goldenHex));
        TmeKdfSpec golden = Golden();
        Assert.Equal(golden.KdfAlgorithm, spec.KdfAlgorithm);
        Assert.Equal(golden.InputKey, spec.InputKey);
        Assert.Equal(golden.MixKey, spec.MixKey);
        Assert.Equal(golden.L2Key, spec.L2Key);
        Assert.Equal(golden.Policy, spec.Policy);
        Assert.Equal(golden.SoftwareContext.ToArray(), spec.SoftwareContext.ToArray());
        Assert.Equal(golden.SecurityContext, spec.SecurityContext);
        Assert.Equal(golden.SaltLabel.ToArray(), spec.SaltLabel.ToArray());
        Assert.Equal(golden.PrfDigestAlgorithm, spec.PrfDigestAlgorithm);
    }

    [Fact]
    public void Decode_IgnoresBytesPastTheUsedLengths()
    {
        byte[] bytes = Convert.FromHexString(s_goldenHex);
        bytes.AsSpan(24 + 3, 125).Fill(0xA5);
        bytes.AsSpan(160 + 5, 59).Fill(0xA5);
        TmeKdfSpec spec = TmeKdfSpec.Decode(bytes);
        Assert.Equal("ctx"u8.ToArray(), spec.SoftwareContext.ToArray());
        Assert.Equal("label"u8.ToArray(), spec.SaltLabel.ToArray());
    }

    [Theory]
    [InlineData(152, 129u)]
    [InlineData(224, 65u)]
    [InlineData(152, uint.MaxValue)]
    public void Decode_UsedLengthAboveField_ThrowsProtocolException(int offset, uint length)
    {
        byte[] bytes = Convert.FromHexString(s_goldenHex);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), length);
        Assert.Throws<RpmsgProtocolException>(() => TmeKdfSpec.Decode(bytes));
    }

    [Theory]
    [InlineData(231)]
    [InlineData(233)]
    public void Decode_WrongLength_ThrowsProtocolException(int length) =>
        Assert.Throws<RpmsgProtocolException>(() => TmeKdfSpec.Decode(new byte[length]));

    [Fact]
    public void Encode_ContextLongerThanField_Throws()
    {
        TmeKdfSpec spec = new() { SoftwareContext = new byte[129] };
        Assert.Throws<ArgumentOutOfRangeException>(() => spec.Encode(new byte[232]));
        TmeKdfSpec salt = new() { SaltLabel = new byte[65] };
        Assert.Throws<ArgumentOutOfRangeException>(() => salt.Encode(new byte[232]));
    }
}
