using System.Formats.Cbor;
using System.Security.Cryptography;
using Tmel.Services.Attestation;

namespace Tmel.Services.Tests.Attestation;

/// <summary>Crashes coverage-guided fuzzing found (fuzz/regressions/attestation-structs), fixed: each now gets its typed answer.</summary>
public sealed class AttestationFuzzRegressionTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Verify_ClaimKeyBeyondInt64_IsSkippedLikeAnyUnknownKey()
    {
        // Was an OverflowException out of CborReader.ReadInt64 (fuzz/regressions/attestation-structs/claims-key-beyond-int64).
        Dictionary<int, Action<CborWriter>> claims = TestTokens.Claims(_key);
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(claims.Count + 1);
        writer.WriteUInt64(ulong.MaxValue);
        writer.WriteInt32(0);
        foreach ((int label, Action<CborWriter> write) in claims)
        {
            writer.WriteInt32(label);
            write(writer);
        }

        writer.WriteEndMap();

        AttestationClaims verified = AttestationTokenVerifier.Verify(TestTokens.Sign(_key, writer.Encode()), _key, TestTokens.Nonce);

        Assert.Equal(TestTokens.Nonce, verified.Nonce);
    }

    [Fact]
    public void CreateEcdsa_UnknownCurveOid_ThrowsCryptographicException()
    {
        // Was a PlatformNotSupportedException from OpenSSL (fuzz/regressions/attestation-structs/public-key-unknown-curve):
        // P-384's curve OID 1.3.132.0.34 (06 05 2B 81 04 00 22) turned into 1.14.132.0.34.
        byte[] spki = _key.ExportSubjectPublicKeyInfo();
        int oid = spki.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]);
        Assert.True(oid > 0);
        spki[oid + 2] = 0x36;
        var key = new AttestationPublicKey(spki, []);

        Assert.Throws<CryptographicException>(() => key.CreateEcdsa().Dispose());
    }
}
