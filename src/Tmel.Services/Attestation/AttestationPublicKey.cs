using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Rpmsg.Core;

namespace Tmel.Services.Attestation;

/// <summary>
/// What INIT_ATTESTATION returns (docs/attestation.md): the attestation key's SubjectPublicKeyInfo and, when the client's
/// buffer has room, its certificate chain (the key's certificate, then the device CA's), as the CBOR map
/// <c>{1: bstr SPKI, ? 2: [+ bstr certificate DER]}</c>.
/// </summary>
public sealed class AttestationPublicKey
{
    /// <summary>Map key of the SubjectPublicKeyInfo.</summary>
    public const int SubjectPublicKeyInfoKey = 1;

    /// <summary>Map key of the certificate chain.</summary>
    public const int ChainKey = 2;

    private readonly byte[] _subjectPublicKeyInfo;
    private readonly byte[][] _certificates;

    /// <summary>Creates the value.</summary>
    /// <param name="subjectPublicKeyInfo">The key's SubjectPublicKeyInfo DER.</param>
    /// <param name="certificates">The chain's DER certificates, leaf first; empty when not sent.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public AttestationPublicKey(byte[] subjectPublicKeyInfo, IReadOnlyList<byte[]> certificates)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        ArgumentNullException.ThrowIfNull(certificates);
        _subjectPublicKeyInfo = (byte[])subjectPublicKeyInfo.Clone();
        _certificates = [.. certificates.Select(c => (byte[])c.Clone())];
    }

    /// <summary>Gets the key's SubjectPublicKeyInfo DER.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>Gets the chain's DER certificates, the attestation key's first, then the device CA's; empty when the buffer had no room.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Certificates => [.. _certificates.Select(c => (ReadOnlyMemory<byte>)c)];

    /// <summary>Decodes INIT_ATTESTATION's output.</summary>
    /// <param name="encoded">The bytes TME-L wrote.</param>
    /// <returns>The key and chain.</returns>
    /// <exception cref="RpmsgProtocolException">The bytes are not the documented map.</exception>
    public static AttestationPublicKey Decode(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var reader = new CborReader(encoded.ToArray(), CborConformanceMode.Strict);
            int count = reader.ReadStartMap() ?? -1;
            if (count is not (1 or 2) || reader.ReadInt32() != SubjectPublicKeyInfoKey)
            {
                throw new RpmsgProtocolException("INIT_ATTESTATION output is not the map {1: SPKI, ? 2: chain}.");
            }

            byte[] spki = reader.ReadByteString();
            var chain = new List<byte[]>();
            if (count == 2)
            {
                if (reader.ReadInt32() != ChainKey)
                {
                    throw new RpmsgProtocolException("INIT_ATTESTATION output's second key is not 2 (the chain).");
                }

                int certificates = reader.ReadStartArray() ?? 0;
                for (int i = 0; i < certificates; i++)
                {
                    chain.Add(reader.ReadByteString());
                }

                reader.ReadEndArray();
            }

            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                throw new RpmsgProtocolException($"INIT_ATTESTATION output has {reader.BytesRemaining} bytes after its map.");
            }

            return new AttestationPublicKey(spki, chain);
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or OverflowException)
        {
            throw new RpmsgProtocolException($"INIT_ATTESTATION output is not well-formed CBOR: {ex.Message}");
        }
    }

    /// <summary>Encodes the key, with the chain when <paramref name="includeChain"/> and there is one.</summary>
    /// <param name="includeChain">Whether to include <see cref="Certificates"/>.</param>
    /// <returns>The CBOR bytes.</returns>
    public byte[] Encode(bool includeChain)
    {
        bool chain = includeChain && _certificates.Length > 0;
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(chain ? 2 : 1);
        writer.WriteInt32(SubjectPublicKeyInfoKey);
        writer.WriteByteString(_subjectPublicKeyInfo);
        if (chain)
        {
            writer.WriteInt32(ChainKey);
            writer.WriteStartArray(_certificates.Length);
            foreach (byte[] certificate in _certificates)
            {
                writer.WriteByteString(certificate);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Creates an ECDSA public key from <see cref="SubjectPublicKeyInfo"/>.</summary>
    /// <returns>The key; the caller disposes it.</returns>
    /// <exception cref="CryptographicException">The SubjectPublicKeyInfo is not an EC key, or names a curve this platform does not support.</exception>
    public ECDsa CreateEcdsa()
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
            return key;
        }
        catch (PlatformNotSupportedException ex)
        {
            // OpenSSL refuses an unknown curve OID with PlatformNotSupportedException (fuzz/regressions/attestation-structs/public-key-unknown-curve).
            key.Dispose();
            throw new CryptographicException("The SubjectPublicKeyInfo names a curve this platform does not support.", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Returns the key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPem() => PemEncoding.WriteString("PUBLIC KEY", _subjectPublicKeyInfo);

    /// <summary>Loads the chain's certificates.</summary>
    /// <returns>The certificates, leaf first; the caller disposes them.</returns>
    /// <exception cref="CryptographicException">A certificate is not valid DER.</exception>
    public IReadOnlyList<X509Certificate2> LoadCertificates() => [.. _certificates.Select(c => X509CertificateLoader.LoadCertificate(c))];
}
