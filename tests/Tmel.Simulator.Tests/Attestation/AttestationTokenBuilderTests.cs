using System.Formats.Cbor;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.Attestation;
using Tmel.Services.ImageAuth;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Attestation;

/// <summary>Golden structure of the token (services.md §2.1, §2.3–2.4): the COSE_Sign1 envelope and the claims' keys, order and CBOR types.</summary>
public sealed class AttestationTokenBuilderTests : IDisposable
{
    private readonly AttestationIdentity _identity = AttestationIdentity.Create(new FakeTimeProvider(TestImages.Now));

    public void Dispose() => _identity.Dispose();

    [Fact]
    public void Build_IsATaggedCoseSign1_WithProtectedEs384_AndTheKid()
    {
        byte[] token = Build(extra: []);
        var reader = new CborReader(token);

        Assert.Equal((CborTag)18, reader.ReadTag());                                    // D2
        Assert.Equal(4, reader.ReadStartArray());
        Assert.Equal("A1013822", Convert.ToHexString(reader.ReadByteString()));        // {1: -35}
        Assert.Equal(1, reader.ReadStartMap());
        Assert.Equal(4, reader.ReadInt32());                                           // kid
        Assert.Equal(_identity.KeyId, reader.ReadByteString());
        reader.ReadEndMap();
        reader.ReadByteString();                                                       // the claims
        Assert.Equal(96, reader.ReadByteString().Length);                              // r ‖ s, P-384
        reader.ReadEndArray();
        Assert.Equal(0, reader.BytesRemaining);
        Assert.Equal(0xD2, token[0]);
    }

    [Fact]
    public void Build_Claims_AreThePsaKeysInCanonicalOrder_WithTheirTypes()
    {
        var reader = new CborReader(Payload(Build(extra: [0xA0])), CborConformanceMode.Canonical);

        Assert.Equal(9, reader.ReadStartMap());
        Assert.Equal(10, reader.ReadInt32());
        Assert.Equal(48, reader.ReadByteString().Length);
        Assert.Equal(256, reader.ReadInt32());
        Assert.Equal(_identity.InstanceId, reader.ReadByteString());
        Assert.Equal(265, reader.ReadInt32());
        Assert.Equal("tag:psacertified.org,2023:psa#tfm", reader.ReadTextString());
        Assert.Equal(2394, reader.ReadInt32());
        Assert.Equal(-1024, reader.ReadInt32());
        Assert.Equal(2395, reader.ReadInt32());
        Assert.Equal(0x3000, reader.ReadInt32());
        Assert.Equal(2396, reader.ReadInt32());
        Assert.Equal(32, reader.ReadByteString().Length);
        Assert.Equal(2397, reader.ReadInt32());
        Assert.Equal(32, reader.ReadByteString().Length);
        Assert.Equal(2399, reader.ReadInt32());
        Assert.Equal(1, reader.ReadStartArray());
        Assert.Equal(5, reader.ReadStartMap());
        Assert.Equal((1, "SW_ID_0x0000000D"), (reader.ReadInt32(), reader.ReadTextString()));
        Assert.Equal((2, 48), (reader.ReadInt32(), reader.ReadByteString().Length));
        Assert.Equal((4, "3"), (reader.ReadInt32(), reader.ReadTextString()));
        Assert.Equal((5, 48), (reader.ReadInt32(), reader.ReadByteString().Length));
        Assert.Equal((6, "sha-384"), (reader.ReadInt32(), reader.ReadTextString()));
        reader.ReadEndMap();
        reader.ReadEndArray();
        Assert.Equal(-80000, reader.ReadInt32());
        Assert.Equal(0, reader.ReadStartMap());
        reader.ReadEndMap();
        reader.ReadEndMap();
        Assert.Equal(0, reader.BytesRemaining);
    }

    [Fact]
    public void Build_VerifiesWithTheIdentitysPublicKey()
    {
        using var key = _identity.PublicKey.CreateEcdsa();
        AttestationClaims claims = AttestationTokenVerifier.Verify(Build(extra: []), key, new byte[48]);
        Assert.Equal(new byte[48], Assert.Single(claims.SoftwareComponents).MeasurementValue);
    }

    private byte[] Build(byte[] extra) => AttestationTokenBuilder.Build(
        _identity,
        new byte[48],
        -1024,
        new byte[32],
        [new TsimMeasurement(0x0D, new byte[48], new byte[48], 3, 3)],
        extra);

    private static byte[] Payload(byte[] token)
    {
        var reader = new CborReader(token);
        reader.ReadTag();
        reader.ReadStartArray();
        reader.SkipValue();
        reader.SkipValue();
        return reader.ReadByteString();
    }
}
