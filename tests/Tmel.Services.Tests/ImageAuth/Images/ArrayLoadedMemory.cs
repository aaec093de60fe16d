using Tmel.Services.ImageAuth;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>A loaded carve-out in a plain array, as the simulator's shared memory would hold it.</summary>
internal sealed class ArrayLoadedMemory(ulong baseAddress, byte[] bytes) : ITsimLoadedMemory
{
    public ulong Base { get; } = baseAddress;

    public byte[] Bytes { get; } = bytes;

    public int Reads { get; private set; }

    public int LargestRead { get; private set; }

    public static ArrayLoadedMemory For(TsimImage image) => new(image.LoadBase, image.CreateLoadImage());

    public bool TryRead(ulong address, Span<byte> destination)
    {
        Reads++;
        LargestRead = Math.Max(LargestRead, destination.Length);
        if (address < Base || address - Base > (ulong)Bytes.Length || (ulong)destination.Length > (ulong)Bytes.Length - (address - Base))
        {
            return false;
        }

        Bytes.AsSpan((int)(address - Base), destination.Length).CopyTo(destination);
        return true;
    }
}
