using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tmel.Services.ImageAuth;

/// <summary>A 2- or 3-level certificate chain, leaf first, as the hash segment carries it (services.md §1.6), and its checks.</summary>
/// <remarks>
/// The chain is split with DER lengths (<see cref="AsnDecoder.ReadEncodedValue"/>): each element must be one DER SEQUENCE,
/// there must be 2 or 3 of them and nothing after the last (TSIM-MBN7 writes no padding). Loading copies the bytes, so
/// nothing is allocated beyond the chain's own length.
/// </remarks>
internal sealed class TsimCertificateChain : IDisposable
{
    private const int MaxCertificates = 3;

    private readonly X509Certificate2[] _certificates;

    private TsimCertificateChain(X509Certificate2[] certificates) => _certificates = certificates;

    public X509Certificate2 Leaf => _certificates[0];

    public X509Certificate2? Ca => _certificates.Length == MaxCertificates ? _certificates[1] : null;

    public X509Certificate2 Root => _certificates[^1];

    public int Count => _certificates.Length;

    /// <summary>Wraps certificates the caller owns; disposing the chain disposes them.</summary>
    public static TsimCertificateChain FromCertificates(X509Certificate2 leaf, X509Certificate2? ca, X509Certificate2 root) =>
        new(ca is null ? [leaf, root] : [leaf, ca, root]);

    /// <summary>Splits and loads a DER chain.</summary>
    /// <returns><see langword="null"/> on success, otherwise why the bytes are not a chain.</returns>
    public static string? TrySplit(ReadOnlySpan<byte> der, out TsimCertificateChain? chain)
    {
        chain = null;
        var certificates = new List<X509Certificate2>(MaxCertificates);
        try
        {
            int position = 0;
            while (position < der.Length)
            {
                if (certificates.Count == MaxCertificates)
                {
                    return $"the chain has more than {MaxCertificates} certificates";
                }

                ReadOnlySpan<byte> rest = der[position..];
                Asn1Tag tag = AsnDecoder.ReadEncodedValue(rest, AsnEncodingRules.DER, out _, out _, out int consumed);
                if (tag != Asn1Tag.Sequence)
                {
                    return $"certificate {certificates.Count} is not a DER SEQUENCE";
                }

                certificates.Add(X509CertificateLoader.LoadCertificate(rest[..consumed]));
                position += consumed;
            }

            if (certificates.Count < 2)
            {
                return $"the chain has {certificates.Count} certificate(s); it needs 2 or 3";
            }

            chain = new TsimCertificateChain([.. certificates]);
            certificates.Clear();
            return null;
        }
        catch (AsnContentException)
        {
            return $"certificate {certificates.Count} is not valid DER";
        }
        catch (CryptographicException)
        {
            return $"certificate {certificates.Count} cannot be loaded";
        }
        finally
        {
            foreach (X509Certificate2 certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>The chain leaf first, as the hash segment carries it.</summary>
    public byte[] Encode()
    {
        var output = new byte[_certificates.Sum(c => c.RawDataMemory.Length)];
        int position = 0;
        foreach (X509Certificate2 certificate in _certificates)
        {
            certificate.RawDataMemory.Span.CopyTo(output.AsSpan(position));
            position += certificate.RawDataMemory.Length;
        }

        return output;
    }

    /// <summary>
    /// Checks the chain: root self-issued, CA and keyCertSign; the CA (if any) CA and keyCertSign; the leaf not a CA and
    /// digitalSignature; every certificate valid at <paramref name="now"/> (NotBefore ≤ now &lt; NotAfter; skipped when
    /// <see langword="null"/>); and
    /// <see cref="X509Chain"/> with the root as the only trust anchor building exactly leaf → (CA) → root.
    /// </summary>
    /// <returns><see langword="null"/> on success, otherwise the first problem found.</returns>
    public string? Validate(DateTimeOffset? now)
    {
        try
        {
            if (!Root.SubjectName.RawData.AsSpan().SequenceEqual(Root.IssuerName.RawData))
            {
                return "the root certificate is not self-issued";
            }

            string? error = CheckIssuer(Root, "root") ?? (Ca is null ? null : CheckIssuer(Ca, "CA")) ?? CheckLeaf(Leaf);
            if (error is not null)
            {
                return error;
            }

            if (now is { } time)
            {
                DateTime utc = time.UtcDateTime;
                for (int i = 0; i < _certificates.Length; i++)
                {
                    X509Certificate2 certificate = _certificates[i];
                    // From NotBefore inclusive to NotAfter exclusive: OpenSSL's rule, which X509Chain applies on Linux
                    // (RFC 5280 counts the NotAfter second in; we follow the library that also checks).
                    if (utc < certificate.NotBefore.ToUniversalTime() || utc >= certificate.NotAfter.ToUniversalTime())
                    {
                        return $"certificate {i} is not valid at {time:u} (valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})";
                    }
                }
            }

            return BuildChain(now);
        }
        catch (CryptographicException)
        {
            return "a certificate has an extension that cannot be decoded";
        }
    }

    public void Dispose()
    {
        foreach (X509Certificate2 certificate in _certificates)
        {
            certificate.Dispose();
        }
    }

    private static string? CheckIssuer(X509Certificate2 certificate, string role)
    {
        if (certificate.Extensions["2.5.29.19"] is not X509BasicConstraintsExtension { CertificateAuthority: true })
        {
            return $"the {role} certificate is not a CA (BasicConstraints CA=true is missing)";
        }

        if (certificate.Extensions["2.5.29.15"] is not X509KeyUsageExtension usage || (usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) == 0)
        {
            return $"the {role} certificate's key usage lacks keyCertSign";
        }

        return null;
    }

    private static string? CheckLeaf(X509Certificate2 leaf)
    {
        if (leaf.Extensions["2.5.29.19"] is X509BasicConstraintsExtension { CertificateAuthority: true })
        {
            return "the attestation (leaf) certificate is a CA";
        }

        if (leaf.Extensions["2.5.29.15"] is not X509KeyUsageExtension usage || (usage.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0)
        {
            return "the attestation (leaf) certificate's key usage lacks digitalSignature";
        }

        return null;
    }

    private string? BuildChain(DateTimeOffset? now)
    {
        using var chain = new X509Chain();
        X509ChainPolicy policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(Root);
        if (Ca is not null)
        {
            policy.ExtraStore.Add(Ca);
        }

        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (now is { } time)
        {
            policy.VerificationTime = time.UtcDateTime;
            policy.VerificationTimeIgnored = false;
        }
        else
        {
            policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        }

        bool built = chain.Build(Leaf);
        try
        {
            if (!built)
            {
                X509ChainStatusFlags flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
                return $"the chain does not verify ({flags})";
            }

            if (chain.ChainElements.Count != _certificates.Length)
            {
                return $"the chain built {chain.ChainElements.Count} levels; the hash segment carries {_certificates.Length}";
            }

            for (int i = 0; i < _certificates.Length; i++)
            {
                if (!chain.ChainElements[i].Certificate.RawDataMemory.Span.SequenceEqual(_certificates[i].RawDataMemory.Span))
                {
                    return $"the chain built through a different certificate at level {i}";
                }
            }

            return null;
        }
        finally
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }
}
