using System.Formats.Cbor;
using Rpmsg.Core;

namespace Tmel.Services.Attestation;

/// <summary>The DEVICE_ATTESTATION request blob (docs/attestation.md): the CBOR map <c>{10: nonce}</c>, nothing else.</summary>
public static class AttestationRequestFormat
{
    /// <summary>The largest request blob TME-L reads (Linux's 2048-byte limit).</summary>
    public const int MaxLength = 2048;

    /// <summary>Encodes a request.</summary>
    /// <param name="nonce">The challenge: 32, 48 or 64 bytes.</param>
    /// <returns>The CBOR bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nonce"/> is not 32, 48 or 64 bytes long.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> nonce)
    {
        if (!AttestationClaimKeys.IsNonceLength(nonce.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(nonce), nonce.Length, "A nonce is 32, 48 or 64 bytes.");
        }

        return EncodeUnchecked(nonce);
    }

    /// <summary>Decodes a request and returns its nonce, whatever its length (the service judges the length).</summary>
    /// <param name="request">The blob.</param>
    /// <returns>The nonce.</returns>
    /// <exception cref="RpmsgProtocolException">The blob is not exactly one CBOR map holding only key 10 with a byte string.</exception>
    public static byte[] DecodeNonce(ReadOnlySpan<byte> request)
    {
        byte[] copy = request.ToArray();
        try
        {
            var reader = new CborReader(copy, CborConformanceMode.Strict);
            int? count = reader.ReadStartMap();
            if (count != 1 || reader.ReadInt64() != AttestationClaimKeys.Nonce)
            {
                throw new RpmsgProtocolException("An attestation request is the CBOR map {10: nonce} and nothing else.");
            }

            byte[] nonce = reader.ReadByteString();
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                throw new RpmsgProtocolException($"An attestation request has {reader.BytesRemaining} bytes after its map.");
            }

            return nonce;
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or OverflowException)
        {
            throw new RpmsgProtocolException($"An attestation request is not well-formed CBOR: {ex.Message}");
        }
    }

    internal static byte[] EncodeUnchecked(ReadOnlySpan<byte> nonce)
    {
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(1);
        writer.WriteInt32(AttestationClaimKeys.Nonce);
        writer.WriteByteString(nonce);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
