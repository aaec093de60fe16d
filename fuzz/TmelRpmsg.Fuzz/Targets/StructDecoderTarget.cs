using Rpmsg.Core;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>One decoder of a fixed-layout struct from a peer.</summary>
internal delegate void StructDecoder(ReadOnlySpan<byte> bytes);

/// <summary>
/// A family of struct decoders behind one target: the input's first byte picks the decoder (modulo their count), the rest
/// is the struct. Every decoder documents <see cref="RpmsgProtocolException"/> as its only rejection.
/// </summary>
internal abstract class StructDecoderTarget : FuzzTarget
{
    /// <summary>Gets the decoders, in selector order (the seeds rely on the order: append, never reorder).</summary>
    public abstract IReadOnlyList<StructDecoder> Decoders { get; }

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        StructDecoder decoder = Decoders[input[0] % Decoders.Count];
        try
        {
            decoder(input[1..]);
        }
        catch (RpmsgProtocolException)
        {
        }
    }
}
