using CsCheck;
using Rpmsg.Core;
using Tmel.Services.Tmelcom;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>Golden bytes of SEC_AUTH's region list (services.md §1.8: an array of {u32 base, u32 size}), and its bounds.</summary>
public class SecAuthRegionListTests
{
    private const string TwoRegionsHex =
        "0000B04A" + "00006000" + // region[0] base 0x4AB00000, size 0x00600000 (the carve-out)
        "0000104B" + "00000100";  // region[1] base 0x4B100000, size 0x00010000

    private static readonly SecAuthRegion[] s_twoRegions = [new(0x4AB00000, 0x00600000), new(0x4B100000, 0x00010000)];

    [Fact]
    public void Encode_TwoRegions_MatchesGoldenBytes()
    {
        byte[] buffer = new byte[16];
        Assert.Equal(16, SecAuthRegionList.Encode(s_twoRegions, buffer));
        Assert.Equal(TwoRegionsHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Decode_TwoRegions_ReadsThemInOrder() =>
        Assert.Equal(s_twoRegions, SecAuthRegionList.Decode(Convert.FromHexString(TwoRegionsHex)));

    [Fact]
    public void Decode_Empty_IsNoRegions() => Assert.Empty(SecAuthRegionList.Decode([]));

    [Fact]
    public void Decode_RegionEndingExactlyAtFourGiB_IsAccepted()
    {
        SecAuthRegion[] regions = SecAuthRegionList.Decode(Convert.FromHexString("00F0FFFF" + "00100000")); // base 0xFFFFF000, size 0x1000
        Assert.Equal(0x1_0000_0000ul, Assert.Single(regions).End);
    }

    [Theory]
    [InlineData("01F0FFFF" + "00100000")]                     // base 0xFFFFF001, size 0x1000: one byte past 4 GiB
    [InlineData("0000B04A" + "00006000" + "FFFFFFFF" + "02000000")] // second region base 0xFFFFFFFF, size 2
    [InlineData("FFFFFFFF" + "FFFFFFFF")]                     // both fields at their maximum: no 32-bit overflow in the check
    public void Decode_RegionPastFourGiB_ThrowsProtocolException(string hex)
    {
        var e = Assert.Throws<RpmsgProtocolException>(() => SecAuthRegionList.Decode(Convert.FromHexString(hex)));
        Assert.Contains("0xFFFFFFFF", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(127)]
    public void Decode_PartialEntry_ThrowsProtocolException(int length)
    {
        var e = Assert.Throws<RpmsgProtocolException>(() => SecAuthRegionList.Decode(new byte[length]));
        Assert.Contains("whole number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SixteenEntries_IsTheMaximum()
    {
        Assert.Equal(16, SecAuthRegionList.MaxCount);
        Assert.Equal(16, SecAuthRegionList.Decode(new byte[128]).Length);
        var e = Assert.Throws<RpmsgProtocolException>(() => SecAuthRegionList.Decode(new byte[136]));
        Assert.Contains("more than 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_MoreThanSixteen_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAuthRegionList.Encode(new SecAuthRegion[17], new byte[200]));

    [Fact]
    public void Encode_RegionPastFourGiB_Throws() =>
        Assert.Throws<ArgumentException>(() => SecAuthRegionList.Encode([new SecAuthRegion(0xFFFFF001, 0x1000)], new byte[8]));

    [Fact]
    public void Encode_ShortDestination_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SecAuthRegionList.Encode(s_twoRegions, new byte[15]));

    /// <summary>Regions that fit the 32-bit bus address space: size drawn from 0..(2^32 - base).</summary>
    private static readonly Gen<SecAuthRegion> s_region = Gen.Select(Gen.UInt, Gen.ULong, (regionBase, pick) =>
        new SecAuthRegion(regionBase, (uint)(pick % ((1UL << 32) - regionBase + 1))));

    [Fact]
    public void EncodeThenDecode_RoundTrips() =>
        s_region.Array[0, SecAuthRegionList.MaxCount].Sample(regions =>
        {
            byte[] buffer = new byte[SecAuthRegionList.MaxByteLength];
            int length = SecAuthRegionList.Encode(regions, buffer);
            return length == regions.Length * 8 && SecAuthRegionList.Decode(buffer.AsSpan(0, length)).SequenceEqual(regions);
        });

    [Fact]
    public void Decode_ArbitraryBytes_ReturnsOrThrowsProtocolException_AndAcceptedListsReEncode() =>
        DecoderProperty.Check(
            Gen.OneOf(
                DecoderProperty.ArbitraryBytes(16, Convert.FromHexString(TwoRegionsHex)),
                Gen.Byte.Array[0, SecAuthRegionList.MaxByteLength + 16]),
            bytes => SecAuthRegionList.Decode(bytes),
            (bytes, regions) =>
            {
                byte[] again = new byte[SecAuthRegionList.MaxByteLength];
                int length = SecAuthRegionList.Encode(regions, again);
                return again.AsSpan(0, length).SequenceEqual(bytes) && regions.All(r => r.End <= 1UL << 32);
            });
}
