using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;

namespace Tmel.Services.Attestation;

/// <summary>
/// Checks an attestation token from the simulated TME-L: a COSE_Sign1 (ES384) over a PSA-profile claims map
/// (docs/attestation.md). Checks the signature with a given key or certificate, the nonce, and the claims' presence and
/// types, and returns the claims.
/// </summary>
/// <remarks>
/// Rejections are <see cref="AttestationVerificationException"/>s whose <see cref="AttestationVerificationException.Failure"/>
/// says why: malformed, trailing bytes, wrong algorithm, wrong key (the token's <c>kid</c> names another key, or the key
/// cannot check ES384), bad signature, wrong nonce, missing claim, wrong claim type. Stateless and thread-safe.
/// </remarks>
public static class AttestationTokenVerifier
{
    private const int Es384 = -35;

    /// <summary>Verifies a token with the attestation key's certificate (for example the leaf of INIT_ATTESTATION's chain).</summary>
    /// <param name="token">The token bytes (tagged or untagged COSE_Sign1).</param>
    /// <param name="certificate">The attestation key's certificate.</param>
    /// <param name="expectedNonce">The nonce the token must carry.</param>
    /// <returns>The claims.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is <see langword="null"/>.</exception>
    /// <exception cref="AttestationVerificationException">The token was rejected; <see cref="AttestationVerificationException.Failure"/> says why.</exception>
    public static AttestationClaims Verify(ReadOnlySpan<byte> token, X509Certificate2 certificate, ReadOnlySpan<byte> expectedNonce)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using ECDsa? key = certificate.GetECDsaPublicKey();
        if (key is null)
        {
            throw new AttestationVerificationException(AttestationVerificationFailure.WrongKey, "The certificate does not hold an ECDSA key.");
        }

        return Verify(token, key, expectedNonce);
    }

    /// <summary>Verifies a token with the attestation public key.</summary>
    /// <param name="token">The token bytes (tagged or untagged COSE_Sign1).</param>
    /// <param name="publicKey">The attestation public key (ECDSA P-384).</param>
    /// <param name="expectedNonce">The nonce the token must carry.</param>
    /// <returns>The claims.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="AttestationVerificationException">The token was rejected; <see cref="AttestationVerificationException.Failure"/> says why.</exception>
    public static AttestationClaims Verify(ReadOnlySpan<byte> token, ECDsa publicKey, ReadOnlySpan<byte> expectedNonce)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        CoseSign1Message message = Decode(token);
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out CoseHeaderValue alg) || ReadInt(alg) != Es384)
        {
            Fail(AttestationVerificationFailure.WrongAlgorithm, "The protected header's algorithm is not ES384 (-35).");
        }

        if (message.UnprotectedHeaders.TryGetValue(CoseHeaderLabel.KeyIdentifier, out CoseHeaderValue kid)
            && !kid.GetValueAsBytes().AsSpan().SequenceEqual(ComputeKeyId(publicKey)))
        {
            Fail(AttestationVerificationFailure.WrongKey, "The token's kid names another attestation key than the one given.");
        }

        if (message.Content is not { } content)
        {
            Fail(AttestationVerificationFailure.Malformed, "The token has no embedded claims (detached payload).");
            return null!;
        }

        bool valid;
        try
        {
            valid = message.VerifyEmbedded(publicKey);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationVerificationException(AttestationVerificationFailure.WrongKey, $"The key cannot check this token: {ex.Message}");
        }

        if (!valid)
        {
            Fail(AttestationVerificationFailure.BadSignature, "The signature does not verify with the given key.");
        }

        AttestationClaims claims = AttestationClaimsReader.Read(content.Span);
        if (!CryptographicOperations.FixedTimeEquals(claims.Nonce, expectedNonce))
        {
            Fail(AttestationVerificationFailure.WrongNonce, $"The token's {claims.Nonce.Length}-byte nonce is not the expected one.");
        }

        return claims;
    }

    /// <summary>Returns the key id the simulator puts in a token's unprotected <c>kid</c>: SHA-256 of the key's SubjectPublicKeyInfo.</summary>
    /// <param name="publicKey">The key.</param>
    /// <returns>32 bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="publicKey"/> is <see langword="null"/>.</exception>
    public static byte[] ComputeKeyId(ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo());
    }

    internal static void Fail(AttestationVerificationFailure failure, string message) => throw new AttestationVerificationException(failure, message);

    private static CoseSign1Message Decode(ReadOnlySpan<byte> token)
    {
        try
        {
            var outer = new CborReader(token.ToArray(), CborConformanceMode.Lax);
            outer.SkipValue();
            if (outer.BytesRemaining != 0)
            {
                Fail(AttestationVerificationFailure.TrailingBytes, $"{outer.BytesRemaining} bytes follow the COSE_Sign1 message.");
            }

            return CoseMessage.DecodeSign1(token);
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or CryptographicException)
        {
            throw new AttestationVerificationException(AttestationVerificationFailure.Malformed, $"The token is not a COSE_Sign1 message: {ex.Message}");
        }
    }

    private static int? ReadInt(CoseHeaderValue value)
    {
        try
        {
            return value.GetValueAsInt32();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
