using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.Attestation;

namespace Tmel.Simulator;

/// <summary>
/// The simulated device's initial attestation key (IAK, ECDSA P-384) with a certificate issued by a device CA the
/// simulator holds. Created on the device's first start; with a state directory it is kept sealed there
/// (<see cref="Export"/>, <see cref="TryImport"/>) for the device's life, without one a new simulator is a new device
/// (docs/attestation.md, docs/device-state.md).
/// </summary>
internal sealed class AttestationIdentity : IDisposable
{
    private AttestationIdentity(ECDsa key, X509Certificate2 certificate, X509Certificate2 caCertificate)
    {
        Key = key;
        Certificate = certificate;
        CaCertificate = caCertificate;
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        KeyId = SHA256.HashData(SubjectPublicKeyInfo);
        InstanceId = [0x01, .. KeyId];
        PublicKey = new AttestationPublicKey(SubjectPublicKeyInfo, [certificate.RawData, caCertificate.RawData]);
    }

    /// <summary>Gets the private attestation key; never leaves the simulator, never logged.</summary>
    public ECDsa Key { get; }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2 CaCertificate { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>Gets SHA-256 of <see cref="SubjectPublicKeyInfo"/>: the token's <c>kid</c>.</summary>
    public byte[] KeyId { get; }

    /// <summary>Gets the ueid: 0x01 (RAND) and <see cref="KeyId"/>, 33 bytes.</summary>
    public byte[] InstanceId { get; }

    public AttestationPublicKey PublicKey { get; }

    public static AttestationIdentity Create(TimeProvider time)
    {
        DateTimeOffset now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var caRequest = new CertificateRequest("CN=TmelRpmsg simulated TME-L device CA", caKey, HashAlgorithmName.SHA384);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 caWithKey = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        try
        {
            var request = new CertificateRequest("CN=TmelRpmsg TME-L initial attestation key", key, HashAlgorithmName.SHA384);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            byte[] serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using X509Certificate2 issued = request.Create(caWithKey, now.AddDays(-1), now.AddYears(20), serial);
            X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.RawData);
            X509Certificate2 ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
            return new AttestationIdentity(key, certificate, ca);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The identity as <c>identity.sealed</c> holds it: <c>u16 L (LE) + L bytes</c> three times: the IAK's PKCS#8 private
    /// key, the IAK certificate (DER), the device CA certificate (DER). The caller zeroes the result after sealing it.
    /// </summary>
    public byte[] Export()
    {
        byte[] key = Key.ExportPkcs8PrivateKey();
        try
        {
            byte[] certificate = Certificate.RawData;
            byte[] ca = CaCertificate.RawData;
            byte[] payload = new byte[6 + key.Length + certificate.Length + ca.Length];
            int at = 0;
            foreach (byte[] part in (byte[][])[key, certificate, ca])
            {
                BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(at), (ushort)part.Length);
                part.CopyTo(payload.AsSpan(at + 2));
                at += 2 + part.Length;
            }

            return payload;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Restores an identity <see cref="Export"/> wrote; refuses a key that is not P-384 or a certificate that is not the key's.</summary>
    public static bool TryImport(ReadOnlySpan<byte> payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AttestationIdentity? identity, out string reason)
    {
        identity = null;
        var parts = new byte[3][];
        int at = 0;
        for (int i = 0; i < 3; i++)
        {
            if (payload.Length - at < 2 || payload.Length - at - 2 < BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]))
            {
                reason = $"its identity record is malformed at part {i}";
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
            parts[i] = payload.Slice(at + 2, length).ToArray();
            at += 2 + length;
        }

        if (at != payload.Length)
        {
            reason = "its identity record has trailing bytes";
            return false;
        }

        ECDsa? key = null;
        X509Certificate2? certificate = null;
        X509Certificate2? ca = null;
        try
        {
            key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(parts[0], out int read);
            certificate = X509CertificateLoader.LoadCertificate(parts[1]);
            ca = X509CertificateLoader.LoadCertificate(parts[2]);
            using ECDsa? certified = certificate.GetECDsaPublicKey();
            if (read != parts[0].Length || key.KeySize != 384 || certified is null
                || !certified.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                reason = "its attestation key is not a P-384 key matching its certificate";
                key.Dispose();
                certificate.Dispose();
                ca.Dispose();
                return false;
            }

            identity = new AttestationIdentity(key, certificate, ca);
            reason = string.Empty;
            return true;
        }
        catch (CryptographicException)
        {
            key?.Dispose();
            certificate?.Dispose();
            ca?.Dispose();
            reason = "its attestation key or certificates do not parse";
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parts[0]);
        }
    }

    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
        CaCertificate.Dispose();
    }
}
