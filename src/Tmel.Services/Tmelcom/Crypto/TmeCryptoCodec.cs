namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>The length checks every KM/HCS struct codec shares.</summary>
internal static class TmeCryptoCodec
{
    public static TmelcomWordWriter Writer(Span<byte> destination, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, size, nameof(destination));
        return new TmelcomWordWriter(destination[..size]);
    }

    public static TmelcomWordReader Reader(ReadOnlySpan<byte> message, int size, string name)
    {
        if (message.Length != size)
        {
            TmelcomThrowHelper.ThrowWrongLength(name + " struct", message.Length, size);
        }

        return new TmelcomWordReader(message);
    }
}
