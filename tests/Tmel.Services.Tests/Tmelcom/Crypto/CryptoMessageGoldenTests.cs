using Rpmsg.Core;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Services.Tests.Tmelcom.Crypto;

/// <summary>The checks every KM/HCS struct gets: golden bytes both ways, a round trip, exact lengths, the SRAM path.</summary>
/// <typeparam name="T">The struct under test.</typeparam>
public abstract class CryptoMessageGoldenTests<T>
    where T : struct, ITmeCryptoMessage<T>
{
    /// <summary>Gets the value the golden bytes hold.</summary>
    protected abstract T Value { get; }

    /// <summary>Gets the golden bytes, from the sheet's offset table.</summary>
    protected abstract string Hex { get; }

    /// <summary>Gets the sheet's total size of the struct.</summary>
    protected abstract int SheetSize { get; }

    [Fact]
    public void Size_IsTheSheetsTotal_AndTravelsOnTheSramPath()
    {
        Assert.Equal(SheetSize, T.Size);
        Assert.Equal(SheetSize * 2, Hex.Length);
        Assert.Equal(TmelcomIpcType.Sram, TmelcomPacket.SelectIpcType(T.Size));
    }

    [Fact]
    public void Encode_MatchesGoldenBytes()
    {
        byte[] buffer = Enumerable.Repeat((byte)0xEE, T.Size + 4).ToArray();
        Assert.Equal(T.Size, T.Encode(Value, buffer));
        Assert.Equal(Hex, Convert.ToHexString(buffer, 0, T.Size));
        Assert.All(buffer[T.Size..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField()
    {
        T decoded = T.Decode(Convert.FromHexString(Hex));
        Assert.Equal(Value, decoded);
        Assert.Equal(Value.Status, decoded.Status);
        Assert.Equal(Value.Sequencer, decoded.Sequencer);
    }

    [Fact]
    public void Encode_ThenDecode_RoundTripsAZeroStruct()
    {
        byte[] buffer = new byte[T.Size];
        T.Encode(default, buffer);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(default, T.Decode(buffer));
    }

    [Fact]
    public void Decode_WrongLength_ThrowsProtocolException()
    {
        Assert.Throws<RpmsgProtocolException>(() => T.Decode(new byte[T.Size - 1]));
        Assert.Throws<RpmsgProtocolException>(() => T.Decode(new byte[T.Size + 1]));
    }

    [Fact]
    public void Encode_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => T.Encode(Value, new byte[T.Size - 1]));
    }
}
