namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>An output buffer named inside a KM or HCS struct: the BUF_OUT parameter <c>{buf, length, length_used}</c> (tmelcom-services.md §2.6).</summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       4     buf           u32 LE: bus address of the client's buffer (0 = absent)
///  4       4     length        u32 LE: its capacity; TME-L never changes this word
///  8       4     length_used   u32 LE: bytes TME-L wrote, never above length
///  total   12
/// </code>
/// </remarks>
/// <param name="Address">The bus address of the buffer (<c>buf</c>); 0 means no buffer.</param>
/// <param name="Capacity">The buffer's capacity in bytes (<c>length</c>).</param>
/// <param name="Used">The number of bytes written (<c>length_used</c>).</param>
public readonly record struct TmelcomOutBuffer(uint Address, uint Capacity, uint Used)
{
    /// <summary>The parameter's size in bytes inside a struct.</summary>
    public const int Size = 12;

    /// <summary>Gets a value indicating whether the buffer is absent (<c>buf</c> 0, whatever the capacity says; §5.3 rule 6).</summary>
    public bool IsAbsent => Address == 0;

    /// <summary>Gets the same buffer with <see cref="Used"/> replaced.</summary>
    /// <param name="used">The number of bytes written.</param>
    /// <returns>The buffer with its used length set.</returns>
    public TmelcomOutBuffer WithUsed(uint used) => this with { Used = used };
}
