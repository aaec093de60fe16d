using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tmel.Services.ImageAuth;

/// <summary>
/// Who signs TSIM-MBN7 images: a self-signed root, an optional intermediate CA, and the attestation ("signer") certificate
/// with its private key (services.md §1.6, §1.8).
/// </summary>
/// <remarks>
/// <para>
/// Every key is ECDSA P-384 and every certificate is signed with SHA-384. The root has BasicConstraints CA (critical) and
/// KeyUsage keyCertSign|cRLSign; the CA the same with path length 0; the signer CA=false and KeyUsage digitalSignature, and
/// its subject carries the OUs <c>01 &lt;sw_id&gt; SW_ID</c>, <c>02 &lt;hw_id&gt; HW_ID</c>, <c>03 0000000000000002 DEBUG</c>
/// (disabled), <c>04 &lt;oem_id&gt; OEM_ID</c>, <c>06 &lt;model&gt; MODEL_ID</c> and <c>07 0002 SHA384</c>.
/// </para>
/// <para>
/// Only the signer's private key is kept: the root's and the CA's are discarded once they have issued, so
/// <see cref="Root"/> and <see cref="Ca"/> are public certificates. An identity is a test identity: <see cref="Save(string, bool)"/>
/// writes the signer key unencrypted (file mode 0600 on Unix). The certificates belong to the identity: do not dispose
/// them yourself. Not thread-safe for <see cref="Dispose"/>; the other members may be used concurrently.
/// </para>
/// </remarks>
internal sealed partial class TsimSigningIdentity : IDisposable
{
    /// <summary>The file <see cref="Save(string, bool)"/> writes the root certificate to (PEM).</summary>
    public const string RootFileName = "root.pem";

    /// <summary>The file <see cref="Save(string, bool)"/> writes the CA certificate to (PEM), for a 3-level chain only.</summary>
    public const string CaFileName = "ca.pem";

    /// <summary>The file <see cref="Save(string, bool)"/> writes the signer certificate to (PEM).</summary>
    public const string SignerFileName = "signer.pem";

    /// <summary>The file <see cref="Save(string, bool)"/> writes the signer's private key to (unencrypted PKCS#8 PEM).</summary>
    public const string SignerKeyFileName = "signer.key";

    /// <summary>The file <see cref="Save(string, bool)"/> writes <see cref="OemPkHash"/> to (lower-case hex and a newline).</summary>
    public const string OemPkHashFileName = "oem_pk_hash.hex";

    private const uint MaxFourHexDigits = 0xFFFF;
    private static readonly TimeSpan s_maxValidity = TimeSpan.FromDays(36525);

    private readonly TsimCertificateChain _chain;
    private readonly byte[] _oemPkHash;
    private bool _disposed;

    private TsimSigningIdentity(X509Certificate2 root, X509Certificate2? ca, X509Certificate2 signer, SignerSubjectFields fields)
    {
        Root = root;
        Ca = ca;
        Signer = signer;
        Fields = fields;
        _chain = TsimCertificateChain.FromCertificates(signer, ca, root);
        _oemPkHash = SHA384.HashData(root.RawDataMemory.Span);
    }

    /// <summary>The self-signed root certificate (public only).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The intermediate CA certificate (public only), or <see langword="null"/> for a 2-level chain.</summary>
    public X509Certificate2? Ca { get; }

    /// <summary>The attestation (signer) certificate, with its private key (without it when <see cref="LoadPublic"/> loaded the identity).</summary>
    public X509Certificate2 Signer { get; }

    /// <summary>The value to fuse as OEM_PK_HASH: SHA-384 of the root certificate's DER (48 bytes, a new copy on each call).</summary>
    public byte[] OemPkHash => (byte[])_oemPkHash.Clone();

    /// <summary>The signer certificate's OU fields.</summary>
    internal SignerSubjectFields Fields { get; }

    /// <summary>Creates a new identity with fresh P-384 keys.</summary>
    /// <param name="options">The OU values, the chain depth, the validity and the names.</param>
    /// <param name="timeProvider">Where "now" comes from: every certificate is valid from now (to the second) for <see cref="TsimIdentityOptions.Validity"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The identity; dispose it to release the signer key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="TsimImageException">An option is out of range: OEM_ID or MODEL_ID above 0xFFFF, HW_ID above 0xFFFFFFFF, a validity that is not positive or above 100 years, or an empty name prefix.</exception>
    public static TsimSigningIdentity Create(TsimIdentityOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var notBefore = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        DateTimeOffset notAfter = notBefore + options.Validity;
        var fields = new SignerSubjectFields(options.SwId, options.HwId, OemMetadata.DebugDisabled, options.OemId, options.ModelId, SignerSubjectFields.Sha384);

        using ECDsa rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest(CommonName(options.CommonNamePrefix + " root"), rootKey, HashAlgorithmName.SHA384);
        AddIssuerExtensions(rootRequest, pathLength: null);
        using X509Certificate2 rootWithKey = rootRequest.CreateSelfSigned(notBefore, notAfter);

        X509Certificate2? caWithKey = null;
        try
        {
            X509Certificate2 issuer = rootWithKey;
            if (options.ThreeLevels)
            {
                using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
                var caRequest = new CertificateRequest(CommonName(options.CommonNamePrefix + " CA"), caKey, HashAlgorithmName.SHA384);
                AddIssuerExtensions(caRequest, pathLength: 0);
                caRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(rootWithKey, true, false));
                using X509Certificate2 caPublic = caRequest.Create(rootWithKey, notBefore, notAfter, NewSerialNumber());
                caWithKey = caPublic.CopyWithPrivateKey(caKey);
                issuer = caWithKey;
            }

            using ECDsa signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            var subject = new X500DistinguishedNameBuilder();
            foreach (string unit in fields.ToOrganizationalUnits())
            {
                subject.AddOrganizationalUnitName(unit);
            }

            subject.AddCommonName(options.CommonNamePrefix + " attestation");
            var signerRequest = new CertificateRequest(subject.Build(), signerKey, HashAlgorithmName.SHA384);
            signerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            signerRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(signerRequest.PublicKey, false));
            signerRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            using X509Certificate2 signerPublic = signerRequest.Create(issuer, notBefore, notAfter, NewSerialNumber());
            X509Certificate2 signer = signerPublic.CopyWithPrivateKey(signerKey);

            X509Certificate2 root = X509CertificateLoader.LoadCertificate(rootWithKey.RawDataMemory.Span);
            X509Certificate2? ca = caWithKey is null ? null : X509CertificateLoader.LoadCertificate(caWithKey.RawDataMemory.Span);
            return new TsimSigningIdentity(root, ca, signer, fields);
        }
        finally
        {
            caWithKey?.Dispose();
        }
    }

    /// <summary>The certificate chain as the hash segment carries it: DER certificates, leaf (signer) first, then the CA, then the root.</summary>
    /// <returns>A new array.</returns>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    public byte[] EncodeChain()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _chain.Encode();
    }

    /// <summary>Disposes the certificates and the signer key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _chain.Dispose();
        }
    }

    /// <summary>A new handle to the signer's private key.</summary>
    internal ECDsa GetSignerKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Signer.GetECDsaPrivateKey() ?? throw new TsimImageException(Signer.HasPrivateKey
            ? "The signing identity's signer certificate has no ECDSA private key."
            : "The signing identity holds no signer key (it was loaded without signer.key); signing needs the key.");
    }

    private static void ValidateOptions(TsimIdentityOptions options)
    {
        if (options.OemId > MaxFourHexDigits)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.OemId), $"0x{options.OemId:X} does not fit OU 04's 4 hex digits");
        }

        if (options.ModelId > MaxFourHexDigits)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.ModelId), $"0x{options.ModelId:X} does not fit OU 06's 4 hex digits");
        }

        if (options.HwId > uint.MaxValue)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.HwId), $"0x{options.HwId:X} does not fit the OEM metadata's 32-bit jtag_id");
        }

        if (options.Validity <= TimeSpan.Zero || options.Validity > s_maxValidity)
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.Validity), $"{options.Validity} is not more than zero and at most 100 years");
        }

        if (string.IsNullOrWhiteSpace(options.CommonNamePrefix))
        {
            TsimThrowHelper.ThrowInvalidOption(nameof(options.CommonNamePrefix), "the prefix is empty");
        }
    }

    private static X500DistinguishedName CommonName(string name)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(name);
        return builder.Build();
    }

    private static void AddIssuerExtensions(CertificateRequest request, int? pathLength)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    private static byte[] NewSerialNumber()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // positive, and no leading zero byte to strip
        return serial;
    }
}
