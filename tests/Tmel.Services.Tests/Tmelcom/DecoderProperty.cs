using CsCheck;
using Rpmsg.Core;

namespace Tmel.Services.Tests.Tmelcom;

/// <summary>The shared shape of the "arbitrary bytes" properties: a decoder returns a value or throws <see cref="RpmsgProtocolException"/>, nothing else.</summary>
internal static class DecoderProperty
{
    /// <summary>Any length 0..64, plus inputs of exactly the decoder's size (random bytes rarely hit it), plus one-byte mutations of a valid encoding.</summary>
    public static Gen<byte[]> ArbitraryBytes(int exactSize, byte[] valid) => Gen.Frequency(
        (3, Gen.Byte.Array[0, 64]),
        (2, Gen.Byte.Array[exactSize]),
        (2, Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, (index, value) =>
        {
            byte[] mutated = (byte[])valid.Clone();
            mutated[index] = value;
            return mutated;
        })));

    /// <summary>
    /// Runs <paramref name="decode"/> on every sample. A rejection must be an <see cref="RpmsgProtocolException"/> carrying
    /// <see cref="RpmsgError.ProtocolError"/>; an acceptance must satisfy <paramref name="accepted"/>. Any other exception
    /// escapes and fails the property.
    /// </summary>
    public static void Check<T>(Gen<byte[]> inputs, Func<byte[], T> decode, Func<byte[], T, bool> accepted) =>
        inputs.Sample(
            bytes =>
            {
                T value;
                try
                {
                    value = decode(bytes);
                }
                catch (RpmsgProtocolException e)
                {
                    return e.Error == RpmsgError.ProtocolError && e.Message.Length > 0;
                }

                return accepted(bytes, value);
            },
            iter: 2000,
            print: Convert.ToHexString);
}
