namespace Tmel.Services.Tmelcom;

/// <summary>LOOPBACK_TEST MBOX_ADD_VAL (UID 0xFF01): TME-L adds two values.</summary>
/// <remarks>
/// <para>Two layouts exist (tmelcom-services.md §3.8), both inline: U-Boot's 8-byte <c>tmel_add_val</c> and Linux's
/// 12-byte <c>mbox_add_vals</c>, which adds the result word:</para>
/// <code>
///  offset  size  field
///  0       4     val1     in: s32
///  4       4     val2     in: s32
///  8       4     result   out: s32, val1 + val2 (12-byte layout; the simulator answers it to 8-byte requests too)
///  total   8 or 12
/// </code>
/// </remarks>
/// <param name="Value1">The first operand (<c>val1</c>).</param>
/// <param name="Value2">The second operand (<c>val2</c>).</param>
/// <param name="Result">The sum TME-L wrote (<c>result</c>); 0 in a request.</param>
public readonly record struct LoopbackMessage(int Value1, int Value2, int Result)
{
    /// <summary>The message's UID, <see cref="TmelcomUid.LoopbackTest"/>.</summary>
    public const ushort Uid = TmelcomUid.LoopbackTest;

    /// <summary>U-Boot's layout: <c>{val1, val2}</c>.</summary>
    public const int ShortSize = 8;

    /// <summary>Linux's layout: <c>{val1, val2, result}</c>.</summary>
    public const int MessageSize = 12;

    /// <summary>Writes the 12-byte layout.</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="MessageSize"/> bytes.</param>
    /// <returns><see cref="MessageSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(LoopbackMessage message, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, MessageSize, nameof(destination));
        TmelcomWords.Write(destination, 0, (uint)message.Value1);
        TmelcomWords.Write(destination, 4, (uint)message.Value2);
        TmelcomWords.Write(destination, 8, (uint)message.Result);
        return MessageSize;
    }

    /// <summary>Reads either layout; the 8-byte one has <see cref="Result"/> 0.</summary>
    /// <param name="source">8 or 12 bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="source"/> is neither 8 nor 12 bytes long.</exception>
    public static LoopbackMessage Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length != ShortSize && source.Length != MessageSize)
        {
            TmelcomThrowHelper.ThrowMalformed("LOOPBACK_TEST struct", $"{source.Length} bytes; 8 or 12 are accepted");
        }

        int result = source.Length == MessageSize ? (int)TmelcomWords.Read(source, 8) : 0;
        return new LoopbackMessage((int)TmelcomWords.Read(source, 0), (int)TmelcomWords.Read(source, 4), result);
    }
}
