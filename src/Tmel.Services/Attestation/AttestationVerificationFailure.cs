namespace Tmel.Services.Attestation;

/// <summary>Why <see cref="AttestationTokenVerifier"/> rejected a token.</summary>
public enum AttestationVerificationFailure
{
    /// <summary>The bytes are not a COSE_Sign1 message with a CBOR claims map.</summary>
    Malformed,

    /// <summary>Bytes follow the COSE_Sign1 message or the claims map.</summary>
    TrailingBytes,

    /// <summary>The protected header's algorithm is not ES384 (−35).</summary>
    WrongAlgorithm,

    /// <summary>The token names (by its <c>kid</c>) another key than the one it is checked with.</summary>
    WrongKey,

    /// <summary>The signature does not verify with the key.</summary>
    BadSignature,

    /// <summary>The token's nonce is not the expected one.</summary>
    WrongNonce,

    /// <summary>A claim the profile requires is missing.</summary>
    MissingClaim,

    /// <summary>A claim has the wrong CBOR type, size or value.</summary>
    WrongClaimType,
}
