using System.Buffers.Binary;

namespace Tmel.Cli.Soak;

/// <summary>
/// A soak message: its sequence number (u32 LE) and a checksum (u32 LE, FNV-1a over the size and the fill) in its first
/// 8 bytes, then bytes derived from the sequence number, so any delivered copy can be checked byte for byte.
/// Messages under 8 bytes carry the first bytes of that header only.
/// </summary>
internal static class SoakPayload
{
    public const int HeaderSize = 8;

    public static byte[] Build(long seq, int size)
    {
        byte[] payload = new byte[size];
        Fill(seq, payload);
        return payload;
    }

    public static void Fill(long seq, Span<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        ulong state = ((ulong)seq * 0x9E3779B97F4A7C15UL) | 1;
        for (int i = HeaderSize; i < payload.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            payload[i] = (byte)state;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)seq);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(payload.Length, payload.Length > HeaderSize ? payload[HeaderSize..] : []));
        header[..Math.Min(HeaderSize, payload.Length)].CopyTo(payload);
    }

    /// <summary>The sequence number a message says it carries, or -1 when it is too short to say.</summary>
    public static long ClaimedSequence(ReadOnlySpan<byte> payload) =>
        payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : -1;

    /// <summary>Whether the checksum in a message of 8 bytes or more matches its bytes.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> payload) =>
        payload.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) == Checksum(payload.Length, payload[HeaderSize..]);

    private static uint Checksum(int size, ReadOnlySpan<byte> fill)
    {
        uint hash = 2166136261;
        hash = (hash ^ (uint)size) * 16777619;
        foreach (byte b in fill)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
