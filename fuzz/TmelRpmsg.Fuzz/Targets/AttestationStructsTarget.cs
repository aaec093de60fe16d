using System.Security.Cryptography;
using Rpmsg.Core;
using Tmel.Services.Attestation;
using Tmel.Services.Tmelcom;

namespace TmelRpmsg.Fuzz.Targets;

/// <summary>
/// The attestation structs and blobs: QWES INIT_ATTESTATION and DEVICE_ATTESTATION, the CBOR request blob's nonce, the
/// INIT_ATTESTATION output map (public key and chain) and a token's claims map.
/// </summary>
internal sealed class AttestationStructsTarget : StructDecoderTarget
{
    public override string Name => "attestation-structs";

    public override IReadOnlyList<StructDecoder> Decoders { get; } =
    [
        static b => QwesInitAttestationMessage.Decode(b),
        static b => QwesDeviceAttestationMessage.Decode(b),
        static b => AttestationRequestFormat.DecodeNonce(b),
        static b => UsePublicKey(AttestationPublicKey.Decode(b)),
        static b => ReadClaims(b),
    ];

    private static void UsePublicKey(AttestationPublicKey key)
    {
        try
        {
            using ECDsa ecdsa = key.CreateEcdsa();
        }
        catch (CryptographicException)
        {
        }

        try
        {
            foreach (System.Security.Cryptography.X509Certificates.X509Certificate2 certificate in key.LoadCertificates())
            {
                certificate.Dispose();
            }
        }
        catch (CryptographicException)
        {
        }
    }

    private static void ReadClaims(ReadOnlySpan<byte> bytes)
    {
        try
        {
            AttestationClaimsReader.Read(bytes);
        }
        catch (AttestationVerificationException)
        {
        }
    }
}
