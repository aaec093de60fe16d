using System.Buffers.Binary;
using System.Text;

namespace Tmel.Cli.Soak;

/// <summary>
/// What a <c>tmel-soak-echo</c> service in a simulator process tells the soak about a delivery it cannot see itself: the
/// echo's send failed (with its typed error), or the same bytes from the same sender arrived again. Sent from the echo
/// endpoint to the message's sender, in its place or after it (docs/reliability.md, "The simulator in its own process").
/// </summary>
/// <remarks>
/// <code>
///  0..7   magic "SOAKNOTE" (a soak message's first 8 bytes are its sequence number and checksum, never this)
///  8..9   the delivered message's length, u16 LE
///  10     the delivery number of these bytes from this sender at the service (1 the first time; saturates at 255)
///  11     the length of the error kind (0: the echo went out; the notice only reports a repeated delivery)
///  12..   the error kind (UTF-8), then the delivered message's first bytes, as many as fit
/// </code>
/// A notice is idempotent: a retried one that arrives twice says nothing new.
/// </remarks>
internal readonly record struct SoakNotice(int Size, int Delivery, string? Failure, ReadOnlyMemory<byte> Prefix)
{
    public const int HeaderSize = 12;

    private static ReadOnlySpan<byte> Magic => "SOAKNOTE"u8;

    public static byte[] Build(ReadOnlySpan<byte> delivered, int delivery, string? failure, int mtu)
    {
        byte[] kind = failure is null ? [] : Encoding.UTF8.GetBytes(failure.Length > 200 ? failure[..200] : failure);
        int prefix = Math.Min(delivered.Length, mtu - HeaderSize - kind.Length);
        byte[] notice = new byte[HeaderSize + kind.Length + prefix];
        Magic.CopyTo(notice);
        BinaryPrimitives.WriteUInt16LittleEndian(notice.AsSpan(8), (ushort)delivered.Length);
        notice[10] = (byte)Math.Clamp(delivery, 1, 255);
        notice[11] = (byte)kind.Length;
        kind.CopyTo(notice.AsSpan(HeaderSize));
        delivered[..prefix].CopyTo(notice.AsSpan(HeaderSize + kind.Length));
        return notice;
    }

    /// <summary>Reads a notice; false when <paramref name="message"/> is not one (an echo).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> message, out SoakNotice notice)
    {
        notice = default;
        ReadOnlySpan<byte> span = message.Span;
        if (span.Length < HeaderSize || !span[..8].SequenceEqual(Magic) || span[10] == 0 || HeaderSize + span[11] > span.Length)
        {
            return false;
        }

        int size = BinaryPrimitives.ReadUInt16LittleEndian(span[8..]);
        int kindLength = span[11];
        ReadOnlyMemory<byte> prefix = message[(HeaderSize + kindLength)..];
        if (prefix.Length > size)
        {
            return false;
        }

        string? failure = kindLength == 0 ? null : Encoding.UTF8.GetString(span.Slice(HeaderSize, kindLength));
        notice = new SoakNotice(size, span[10], failure, prefix);
        return true;
    }
}
