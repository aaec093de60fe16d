using CsCheck;

namespace Rpmsg.Core.Tests.NameService;

/// <summary>Golden bytes of the 40-byte announcement (Linux <c>struct rpmsg_ns_msg</c>: char name[32]; __rpmsg32 addr; __rpmsg32 flags).</summary>
public class RpmsgNameServiceMessageTests
{
    // "tmel-echo" at 0x00000400, create.
    private const string CreateEchoHex =
        "746D656C2D6563686F00000000000000" + // name[0..16): 't' 'm' 'e' 'l' '-' 'e' 'c' 'h' 'o' then NUL padding
        "00000000000000000000000000000000" + // name[16..32): NUL padding
        "00040000" +                         // addr  u32 LE = 0x00000400 (1024)
        "00000000";                          // flags u32 LE = 0 (create)

    // "rpmsg-client-sample" at 0x0000000D, destroy.
    private const string DestroySampleHex =
        "72706D73672D636C69656E742D73616D" + // "rpmsg-client-sam"
        "706C6500000000000000000000000000" + // "ple" then NUL padding
        "0D000000" +                         // addr  u32 LE = 13
        "01000000";                          // flags u32 LE = 1 (destroy)

    [Fact]
    public void Write_Create_MatchesGoldenBytes()
    {
        byte[] buffer = new byte[40];
        new RpmsgNameServiceMessage("tmel-echo", 0x400, RpmsgNameServiceFlags.Create).Write(buffer);
        Assert.Equal(CreateEchoHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Write_Destroy_MatchesGoldenBytes()
    {
        byte[] buffer = new byte[40];
        new RpmsgNameServiceMessage("rpmsg-client-sample", 13, RpmsgNameServiceFlags.Destroy).Write(buffer);
        Assert.Equal(DestroySampleHex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void Write_OverwritesStaleBytes()
    {
        byte[] buffer = Enumerable.Repeat((byte)0xEE, 40).ToArray();
        new RpmsgNameServiceMessage("tmel-echo", 0x400, RpmsgNameServiceFlags.Create).Write(buffer);
        Assert.Equal(CreateEchoHex, Convert.ToHexString(buffer));
    }

    [Theory]
    [InlineData(CreateEchoHex, "tmel-echo", 0x400u, 0u)]
    [InlineData(DestroySampleHex, "rpmsg-client-sample", 13u, 1u)]
    public void TryRead_GoldenBytes_Decodes(string hex, string name, uint address, uint flags)
    {
        Assert.True(RpmsgNameServiceMessage.TryRead(Convert.FromHexString(hex), out RpmsgNameServiceMessage message, out _));
        Assert.Equal(new RpmsgNameServiceMessage(name, address, (RpmsgNameServiceFlags)flags), message);
    }

    [Fact]
    public void TryRead_NameWithGarbageAfterNul_UsesTextBeforeNul()
    {
        byte[] bytes = Convert.FromHexString(CreateEchoHex);
        bytes[20] = 0x41;
        Assert.True(RpmsgNameServiceMessage.TryRead(bytes, out RpmsgNameServiceMessage message, out _));
        Assert.Equal("tmel-echo", message.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    [InlineData(41)]
    [InlineData(44)]
    public void TryRead_WrongLength_Fails(int length)
    {
        byte[] bytes = new byte[length];
        Convert.FromHexString(CreateEchoHex).AsSpan(0, Math.Min(40, length)).CopyTo(bytes);
        Assert.False(RpmsgNameServiceMessage.TryRead(bytes, out _, out string error));
        Assert.Contains("length", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NameWithoutNul_Fails()
    {
        byte[] bytes = Convert.FromHexString(CreateEchoHex);
        bytes.AsSpan(0, 32).Fill((byte)'a');
        Assert.False(RpmsgNameServiceMessage.TryRead(bytes, out _, out string error));
        Assert.Contains("NUL", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, (byte)0)]
    [InlineData(2, (byte)0x07)]
    [InlineData(2, (byte)0xC3)]
    public void TryRead_EmptyOrNonPrintableName_Fails(int index, byte value)
    {
        byte[] bytes = Convert.FromHexString(CreateEchoHex);
        bytes[index] = value;
        Assert.False(RpmsgNameServiceMessage.TryRead(bytes, out _, out _));
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(0x100u)]
    [InlineData(0xFFFFFFFFu)]
    public void TryRead_UnknownFlags_Fails(uint flags)
    {
        byte[] bytes = Convert.FromHexString(CreateEchoHex);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), flags);
        Assert.False(RpmsgNameServiceMessage.TryRead(bytes, out _, out string error));
        Assert.Contains("flags", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this-name-is-thirty-two-chars-xx")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    public void ValidateName_Invalid_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => RpmsgNameServiceMessage.ValidateName(name, nameof(name)));

    [Fact]
    public void ValidateName_ThirtyOneChars_IsAccepted() =>
        RpmsgNameServiceMessage.ValidateName(new string('x', 31), "channel");

    private static readonly Gen<string> s_validName =
        Gen.Char[(char)0x20, (char)0x7E].Array[1, 31].Select(chars => new string(chars));

    [Fact]
    public void WriteThenRead_RoundTrips() =>
        Gen.Select(s_validName, Gen.UInt, Gen.Bool).Sample((name, address, destroy) =>
        {
            var message = new RpmsgNameServiceMessage(name, address, destroy ? RpmsgNameServiceFlags.Destroy : RpmsgNameServiceFlags.Create);
            byte[] buffer = new byte[40];
            message.Write(buffer);
            return RpmsgNameServiceMessage.TryRead(buffer, out RpmsgNameServiceMessage read, out _) && read == message;
        });

    [Fact]
    public void TryRead_ArbitraryBytes_NeverThrows_AndAcceptsOnlyWellFormed() =>
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            bool ok = RpmsgNameServiceMessage.TryRead(bytes, out RpmsgNameServiceMessage message, out string error);
            if (!ok)
            {
                return error.Length > 0;
            }

            // Anything accepted re-encodes to the same name, address and flags.
            byte[] again = new byte[40];
            message.Write(again);
            return bytes.Length == 40 && again.AsSpan(32).SequenceEqual(bytes.AsSpan(32)) && RpmsgNameServiceMessage.IsValidName(message.Name);
        });
}
