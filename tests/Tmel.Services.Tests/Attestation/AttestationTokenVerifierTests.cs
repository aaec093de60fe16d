using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.Attestation;
using F = Tmel.Services.Attestation.AttestationVerificationFailure;
using K = Tmel.Services.Attestation.AttestationClaimKeys;

namespace Tmel.Services.Tests.Attestation;

/// <summary>Each rejection of the verifier, and the claims it returns from a valid token.</summary>
public sealed class AttestationTokenVerifierTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _other = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public void Dispose()
    {
        _key.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Verify_ValidToken_ReturnsTypedClaims()
    {
        AttestationClaims claims = AttestationTokenVerifier.Verify(TestTokens.Valid(_key), _key, TestTokens.Nonce);

        Assert.Equal(K.PsaProfile, claims.Profile);
        Assert.Equal(TestTokens.Nonce, claims.Nonce);
        Assert.Equal(33, claims.InstanceId.Length);
        Assert.Equal((-1024, 0x3000), (claims.ClientId, claims.SecurityLifecycle));
        AttestationSoftwareComponent component = Assert.Single(claims.SoftwareComponents);
        Assert.Equal(("SW_ID_0x0000000D", 48, 48), (component.MeasurementType, component.MeasurementValue.Length, component.SignerId.Length));
        Assert.Null(component.Version);
        Assert.Null(claims.ExtraClaims);
    }

    [Fact]
    public void Verify_Certificate_UsesItsKey()
    {
        var request = new CertificateRequest("CN=iak", _key, HashAlgorithmName.SHA384);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        Assert.Equal(TestTokens.Nonce, AttestationTokenVerifier.Verify(TestTokens.Valid(_key), certificate, TestTokens.Nonce).Nonce);
    }

    [Fact]
    public void Verify_SignatureByteFlipped_IsBadSignature()
    {
        byte[] token = TestTokens.Valid(_key);
        token[^1] ^= 0x01;
        Assert.Equal(F.BadSignature, Reject(token, _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_PayloadByteFlipped_IsBadSignature()
    {
        byte[] payload = TestTokens.Payload(TestTokens.Claims(_key));
        byte[] token = TestTokens.Sign(_key, payload);
        int at = token.AsSpan().IndexOf(payload);
        token[at + payload.Length - 1] ^= 0x01;                                      // the last byte of a signer id
        Assert.Equal(F.BadSignature, Reject(token, _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_OtherKey_IsWrongKey_FromTheKid()
    {
        Assert.Equal(F.WrongKey, Reject(TestTokens.Valid(_key), _other, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_OtherKey_WithoutKid_IsBadSignature()
    {
        byte[] token = TestTokens.Sign(_key, TestTokens.Payload(TestTokens.Claims(_key)), kid: false);
        Assert.Equal(F.BadSignature, Reject(token, _other, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_OtherNonce_IsWrongNonce()
    {
        byte[] nonce = (byte[])TestTokens.Nonce.Clone();
        nonce[0] ^= 0xFF;
        Assert.Equal(F.WrongNonce, Reject(TestTokens.Valid(_key), _key, nonce));
    }

    [Theory]
    [InlineData(K.Nonce)]
    [InlineData(K.InstanceId)]
    [InlineData(K.Profile)]
    [InlineData(K.ClientId)]
    [InlineData(K.SecurityLifecycle)]
    [InlineData(K.ImplementationId)]
    [InlineData(K.SoftwareComponents)]
    public void Verify_RequiredClaimMissing_IsMissingClaim(int label)
    {
        Dictionary<int, Action<CborWriter>> claims = TestTokens.Claims(_key);
        claims.Remove(label);
        Assert.Equal(F.MissingClaim, Reject(TestTokens.Sign(_key, TestTokens.Payload(claims)), _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_ComponentWithoutSignerId_IsMissingClaim()
    {
        Dictionary<int, Action<CborWriter>> claims = TestTokens.Claims(_key);
        claims[K.SoftwareComponents] = w =>
        {
            w.WriteStartArray(1);
            w.WriteStartMap(1);
            w.WriteInt32(2);
            w.WriteByteString(new byte[48]);
            w.WriteEndMap();
            w.WriteEndArray();
        };
        Assert.Equal(F.MissingClaim, Reject(TestTokens.Sign(_key, TestTokens.Payload(claims)), _key, TestTokens.Nonce));
    }

    public static TheoryData<string> WrongTypes => ["nonce as text", "client id as bytes", "profile as int", "components as map", "instance id 32 bytes", "implementation id 16 bytes", "nonce 20 bytes", "lifecycle 0x10000", "other profile", "no components"];

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Verify_ClaimOfTheWrongTypeOrSize_IsWrongClaimType(string name)
    {
        Dictionary<int, Action<CborWriter>> claims = TestTokens.Claims(_key);
        switch (name)
        {
            case "nonce as text": claims[K.Nonce] = w => w.WriteTextString("nonce"); break;
            case "client id as bytes": claims[K.ClientId] = w => w.WriteByteString([1]); break;
            case "profile as int": claims[K.Profile] = w => w.WriteInt32(1); break;
            case "components as map": claims[K.SoftwareComponents] = w => { w.WriteStartMap(0); w.WriteEndMap(); }; break;
            case "instance id 32 bytes": claims[K.InstanceId] = w => w.WriteByteString(new byte[32]); break;
            case "implementation id 16 bytes": claims[K.ImplementationId] = w => w.WriteByteString(new byte[16]); break;
            case "nonce 20 bytes": claims[K.Nonce] = w => w.WriteByteString(new byte[20]); break;
            case "lifecycle 0x10000": claims[K.SecurityLifecycle] = w => w.WriteInt32(0x10000); break;
            case "other profile": claims[K.Profile] = w => w.WriteTextString("http://arm.com/psa/2.0.0"); break;
            case "no components": claims[K.SoftwareComponents] = w => { w.WriteStartArray(0); w.WriteEndArray(); }; break;
            default: throw new ArgumentException(name);
        }

        Assert.Equal(F.WrongClaimType, Reject(TestTokens.Sign(_key, TestTokens.Payload(claims)), _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_BytesAfterTheCoseMessage_IsTrailingBytes()
    {
        Assert.Equal(F.TrailingBytes, Reject([.. TestTokens.Valid(_key), 0x00], _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_BytesAfterTheClaimsMap_IsTrailingBytes()
    {
        byte[] payload = [.. TestTokens.Payload(TestTokens.Claims(_key)), 0x00];
        Assert.Equal(F.TrailingBytes, Reject(TestTokens.Sign(_key, payload), _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_Es256_IsWrongAlgorithm()
    {
        Assert.Equal(F.WrongAlgorithm, Reject(TestTokens.Sign(_key, TestTokens.Payload(TestTokens.Claims(_key)), HashAlgorithmName.SHA256), _key, TestTokens.Nonce));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("D2A0")]
    [InlineData("D28443A10138224058")]
    public void Verify_NotACoseSign1_IsMalformed(string hex)
    {
        Assert.Equal(F.Malformed, Reject(Convert.FromHexString(hex), _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_ClaimsNotAMap_IsMalformed()
    {
        Assert.Equal(F.Malformed, Reject(TestTokens.Sign(_key, [0x80]), _key, TestTokens.Nonce));
    }

    [Fact]
    public void Verify_UnknownClaimsAndExtraClaims_AreSkippedAndKept()
    {
        Dictionary<int, Action<CborWriter>> claims = TestTokens.Claims(_key);
        claims[263] = w => w.WriteInt32(3);
        claims[K.ExtraClaims] = w => { w.WriteStartMap(1); w.WriteTextString("a"); w.WriteInt32(1); w.WriteEndMap(); };
        AttestationClaims verified = AttestationTokenVerifier.Verify(TestTokens.Sign(_key, TestTokens.Payload(claims)), _key, TestTokens.Nonce);
        Assert.Equal(Convert.FromHexString("A1616101"), verified.ExtraClaims);
    }

    private static F Reject(byte[] token, ECDsa key, byte[] nonce) =>
        Assert.Throws<AttestationVerificationException>(() => AttestationTokenVerifier.Verify(token, key, nonce)).Failure;
}
