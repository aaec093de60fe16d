namespace Tmel.Services.Tmelcom.Crypto;

/// <summary>A KM or HCS struct: request words, then response words ending in <c>status</c> and the five <c>seq_status</c> words.</summary>
/// <remarks>
/// Each struct is encoded whole (request and response together), as Linux and U-Boot map it for the SRAM path: the client
/// writes it with its response words as it presets them, TME-L reads it and writes the response words in place. All of
/// them are over 20 bytes, so they always travel on the SRAM path.
/// </remarks>
/// <typeparam name="TSelf">The struct type.</typeparam>
public interface ITmeCryptoMessage<TSelf>
    where TSelf : struct, ITmeCryptoMessage<TSelf>
{
    /// <summary>Gets the struct's size in bytes (the SRAM packet's <c>payload_len</c>).</summary>
    static abstract int Size { get; }

    /// <summary>Gets the fact sheet's name of the struct, for messages.</summary>
    static abstract string Name { get; }

    /// <summary>Gets the <c>status</c> word (<see cref="TmeStatus"/>).</summary>
    uint Status { get; }

    /// <summary>Gets the five <c>seq_status</c> words.</summary>
    TmeSequencerStatus Sequencer { get; }

    /// <summary>Writes the whole struct.</summary>
    /// <param name="message">The struct's values.</param>
    /// <param name="destination">Where to write; at least <see cref="Size"/> bytes.</param>
    /// <returns><see cref="Size"/>, the number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    static abstract int Encode(TSelf message, Span<byte> destination);

    /// <summary>Reads the whole struct.</summary>
    /// <param name="message">Exactly <see cref="Size"/> bytes.</param>
    /// <returns>The struct's values.</returns>
    /// <exception cref="Rpmsg.Core.RpmsgProtocolException"><paramref name="message"/> has another length.</exception>
    static abstract TSelf Decode(ReadOnlySpan<byte> message);
}
