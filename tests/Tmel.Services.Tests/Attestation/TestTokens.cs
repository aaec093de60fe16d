using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using Tmel.Services.Attestation;

namespace Tmel.Services.Tests.Attestation;

/// <summary>Builds PSA tokens for the verifier's tests, with any claim left out or replaced.</summary>
internal static class TestTokens
{
    public static readonly byte[] Nonce = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    /// <summary>Every claim of a valid token as a writer action, by key.</summary>
    public static Dictionary<int, Action<CborWriter>> Claims(ECDsa key) => new()
    {
        [AttestationClaimKeys.Nonce] = w => w.WriteByteString(Nonce),
        [AttestationClaimKeys.InstanceId] = w => w.WriteByteString([0x01, .. SHA256.HashData(key.ExportSubjectPublicKeyInfo())]),
        [AttestationClaimKeys.Profile] = w => w.WriteTextString(AttestationClaimKeys.PsaProfile),
        [AttestationClaimKeys.ClientId] = w => w.WriteInt32(-1024),
        [AttestationClaimKeys.SecurityLifecycle] = w => w.WriteInt32(0x3000),
        [AttestationClaimKeys.ImplementationId] = w => w.WriteByteString(new byte[32]),
        [AttestationClaimKeys.BootSeed] = w => w.WriteByteString(new byte[32]),
        [AttestationClaimKeys.SoftwareComponents] = w =>
        {
            w.WriteStartArray(1);
            w.WriteStartMap(3);
            w.WriteInt32(1);
            w.WriteTextString("SW_ID_0x0000000D");
            w.WriteInt32(2);
            w.WriteByteString(new byte[48]);
            w.WriteInt32(5);
            w.WriteByteString(Enumerable.Repeat((byte)0x55, 48).ToArray());
            w.WriteEndMap();
            w.WriteEndArray();
        },
    };

    public static byte[] Payload(Dictionary<int, Action<CborWriter>> claims)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(claims.Count);
        foreach ((int label, Action<CborWriter> write) in claims)
        {
            writer.WriteInt32(label);
            write(writer);
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    public static byte[] Sign(ECDsa key, byte[] payload, HashAlgorithmName? hash = null, bool kid = true)
    {
        var unprotectedHeaders = new CoseHeaderMap();
        if (kid)
        {
            unprotectedHeaders[CoseHeaderLabel.KeyIdentifier] = CoseHeaderValue.FromBytes(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        }

        return CoseSign1Message.SignEmbedded(payload, new CoseSigner(key, hash ?? HashAlgorithmName.SHA384, null, unprotectedHeaders));
    }

    public static byte[] Valid(ECDsa key) => Sign(key, Payload(Claims(key)));
}
