using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tmel.Services.Tests.ImageAuth.Images;

/// <summary>A hand-made 2-level chain whose certificates can break one rule at a time, with the leaf key to re-sign an image.</summary>
internal sealed class CustomChain : IDisposable
{
    private CustomChain(byte[] der, ECDsa leafKey, byte[] rootHash)
    {
        Der = der;
        LeafKey = leafKey;
        RootHash = rootHash;
    }

    public byte[] Der { get; }

    public ECDsa LeafKey { get; }

    public byte[] RootHash { get; }

    public static CustomChain Build(
        bool rootIsCa = true,
        X509KeyUsageFlags rootUsage = X509KeyUsageFlags.KeyCertSign,
        bool leafIsCa = false,
        X509KeyUsageFlags leafUsage = X509KeyUsageFlags.DigitalSignature,
        ulong debug = 2,
        string[]? organizationalUnits = null)
    {
        DateTimeOffset notBefore = TestIdentities.Created, notAfter = TestIdentities.Created.AddDays(365);
        using ECDsa rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest("CN=custom root", rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(rootIsCa, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(rootUsage, true));
        using X509Certificate2 root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var subject = new X500DistinguishedNameBuilder();
        foreach (string unit in organizationalUnits ??
            [
                $"01 {TestIdentities.SwId:X16} SW_ID",
                $"02 {TestIdentities.HwId:X16} HW_ID",
                $"03 {debug:X16} DEBUG",
                $"04 {TestIdentities.OemId:X4} OEM_ID",
                $"06 {TestIdentities.ModelId:X4} MODEL_ID",
                "07 0002 SHA384",
            ])
        {
            subject.AddOrganizationalUnitName(unit);
        }

        subject.AddCommonName("custom attestation");
        var leafRequest = new CertificateRequest(subject.Build(), leafKey, HashAlgorithmName.SHA384);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(leafIsCa, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(leafUsage, true));
        // The generator overload does not insist that the issuer is a CA with keyCertSign, so broken roots can issue.
        using X509Certificate2 leaf = leafRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), notBefore, notAfter, [0x42, 0x01]);
        return new CustomChain([.. leaf.RawData, .. root.RawData], leafKey, SHA384.HashData(root.RawData));
    }

    public void Dispose() => LeafKey.Dispose();
}
