using System.Buffers.Binary;
using System.Security.Cryptography;
using Tmel.Services.Attestation;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The attestation token verifier. The input carries the trust anchor and the expectation, so that seeds from any
/// simulated device verify: u16 LE length and the attestation key's SubjectPublicKeyInfo, u8 length and the expected
/// nonce, then the token. <see cref="AttestationTokenVerifier.Verify(ReadOnlySpan{byte}, ECDsa, ReadOnlySpan{byte})"/>
/// throws only <see cref="AttestationVerificationException"/>. A key the harness cannot import is no input for the verifier.
/// </summary>
internal sealed class AttestationTokenTarget : FuzzTarget
{
    public override string Name => "attestation-token";

    public static byte[] Compose(ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> token)
    {
        byte[] input = new byte[2 + subjectPublicKeyInfo.Length + 1 + nonce.Length + token.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(input, (ushort)subjectPublicKeyInfo.Length);
        subjectPublicKeyInfo.CopyTo(input.AsSpan(2));
        input[2 + subjectPublicKeyInfo.Length] = (byte)nonce.Length;
        nonce.CopyTo(input.AsSpan(3 + subjectPublicKeyInfo.Length));
        token.CopyTo(input.AsSpan(3 + subjectPublicKeyInfo.Length + nonce.Length));
        return input;
    }

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2)
        {
            return;
        }

        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(input);
        if (input.Length < 2 + keyLength + 1)
        {
            return;
        }

        ReadOnlySpan<byte> key = input.Slice(2, keyLength);
        int nonceLength = input[2 + keyLength];
        ReadOnlySpan<byte> rest = input[(3 + keyLength)..];
        if (rest.Length < nonceLength)
        {
            return;
        }

        using var publicKey = ECDsa.Create();
        try
        {
            publicKey.ImportSubjectPublicKeyInfo(key, out _);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            return;
        }

        try
        {
            AttestationClaims claims = AttestationTokenVerifier.Verify(rest[nonceLength..], publicKey, rest[..nonceLength]);
            FuzzInvariantException.Check(claims.Nonce.AsSpan().SequenceEqual(rest[..nonceLength]), "a token with another nonce verified");
        }
        catch (AttestationVerificationException)
        {
        }
    }
}
