using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tmel.Services.Attestation;

namespace Tmel.Simulator;

/// <summary>
/// The simulated device's initial attestation key (IAK, ECDSA P-384) with a certificate issued by a device CA the
/// simulator holds. Created once per simulated device (when the simulator is created) and kept in memory for its life:
/// there is no state directory yet, so a new simulator is a new device (docs/attestation.md).
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

    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
        CaCertificate.Dispose();
    }
}
