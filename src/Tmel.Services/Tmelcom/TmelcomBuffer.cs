using System.Buffers.Binary;

namespace Tmel.Services.Tmelcom;

/// <summary>A buffer in shared memory named inside a service struct (the RFC's <c>{buf, buf_len}</c> pair, downstream <c>tmel_cbuffer</c>).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     buf       u32 LE: bus address of the first byte
///  4       4     buf_len   u32 LE: length in bytes
///  total   8
/// </code>
/// The codec carries any pair; whether it names memory TME-L may touch is the service's to judge (it answers
/// <see cref="TmelStatus.BadAddress"/>). {0, 0} is the RFC's "no buffer".
/// </remarks>
/// <param name="Address">The bus address of the buffer's first byte (<c>buf</c>).</param>
/// <param name="Length">The buffer's length in bytes (<c>buf_len</c>).</param>
public readonly record struct TmelcomBuffer(uint Address, uint Length)
{
    /// <summary>The pair's size in bytes inside a struct.</summary>
    public const int Size = 8;

    /// <summary>Gets a value indicating whether this is the RFC's "no buffer": address and length both 0.</summary>
    public bool IsNone => Address == 0 && Length == 0;

    /// <summary>Gets the bus address one past the buffer's last byte, computed without overflow (above 0xFFFFFFFF when the pair wraps).</summary>
    public ulong End => (ulong)Address + Length;

    internal static TmelcomBuffer Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt32LittleEndian(source), BinaryPrimitives.ReadUInt32LittleEndian(source[4..]));

    internal void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Address);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Length);
    }
}
