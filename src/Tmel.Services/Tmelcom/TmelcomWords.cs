using System.Buffers.Binary;

namespace Tmel.Services.Tmelcom;

/// <summary>Reads and writes the little-endian u32 words service structs are made of.</summary>
internal static class TmelcomWords
{
    public static uint Read(ReadOnlySpan<byte> message, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(message[offset..]);

    public static void Write(Span<byte> message, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(message[offset..], value);

    public static void CheckLength(ReadOnlySpan<byte> message, int size, string what)
    {
        if (message.Length != size)
        {
            TmelcomThrowHelper.ThrowWrongLength(what, message.Length, size);
        }
    }
}
