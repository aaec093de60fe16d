using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tmel.Services.ImageAuth;

/// <summary>The identity's files: <see cref="Save"/> and <see cref="Load"/>.</summary>
public sealed partial class TsimSigningIdentity
{
    /// <summary>Loads an identity <see cref="Save"/> wrote.</summary>
    /// <param name="directory">The directory holding root.pem, signer.pem, signer.key, oem_pk_hash.hex and, for a 3-level chain, ca.pem.</param>
    /// <returns>The identity; dispose it to release the signer key.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="TsimImageException">
    /// A file is missing or unreadable, is not the PEM it should be, the key is not a P-384 key or does not match the signer
    /// certificate, oem_pk_hash.hex does not hold the root's hash, the signer lacks its OU fields, or the certificates do
    /// not form a chain (validity times are not checked here).
    /// </exception>
    public static TsimSigningIdentity Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        X509Certificate2? root = null, ca = null, signer = null;
        try
        {
            root = ReadCertificate(Path.Combine(directory, RootFileName));
            string caPath = Path.Combine(directory, CaFileName);
            ca = File.Exists(caPath) ? ReadCertificate(caPath) : null;
            using (X509Certificate2 signerPublic = ReadCertificate(Path.Combine(directory, SignerFileName)))
            using (ECDsa key = ECDsa.Create())
            {
                key.ImportFromPem(File.ReadAllText(Path.Combine(directory, SignerKeyFileName)));
                if (key.KeySize != 384)
                {
                    TsimThrowHelper.ThrowInvalidIdentity($"{SignerKeyFileName} holds a {key.KeySize}-bit key; a P-384 key is needed");
                }

                signer = signerPublic.CopyWithPrivateKey(key);
            }

            byte[] fused = Convert.FromHexString(File.ReadAllText(Path.Combine(directory, OemPkHashFileName)).Trim());
            if (!CryptographicOperations.FixedTimeEquals(fused, SHA384.HashData(root.RawDataMemory.Span)))
            {
                TsimThrowHelper.ThrowInvalidIdentity($"{OemPkHashFileName} does not hold the SHA-384 of {RootFileName}");
            }

            string? error = SignerSubjectFields.TryRead(signer.SubjectName, out SignerSubjectFields? fields);
            if (error is not null)
            {
                TsimThrowHelper.ThrowInvalidIdentity($"{SignerFileName}: {error}");
            }

            var identity = new TsimSigningIdentity(root, ca, signer, fields!);
            error = identity._chain.Validate(now: null);
            if (error is not null)
            {
                identity.Dispose();
                root = ca = signer = null;
                TsimThrowHelper.ThrowInvalidIdentity(error);
            }

            return identity;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or FormatException)
        {
            root?.Dispose();
            ca?.Dispose();
            signer?.Dispose();
            throw new TsimImageException($"The signing identity in '{directory}' cannot be loaded: {e.Message}", e);
        }
        catch (TsimImageException)
        {
            root?.Dispose();
            ca?.Dispose();
            signer?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes root.pem, ca.pem (3-level chains; a stale ca.pem is deleted otherwise), signer.pem, signer.key (unencrypted
    /// PKCS#8 PEM, mode 0600 on Unix) and oem_pk_hash.hex, creating the directory if needed and replacing existing files.
    /// </summary>
    /// <param name="directory">Where to write the files.</param>
    /// <remarks>The root's and the CA's private keys do not exist any more, so they are never written.</remarks>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    /// <exception cref="TsimImageException">A file cannot be written.</exception>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, RootFileName), Root.ExportCertificatePem() + "\n");
            string caPath = Path.Combine(directory, CaFileName);
            if (Ca is null)
            {
                File.Delete(caPath);
            }
            else
            {
                File.WriteAllText(caPath, Ca.ExportCertificatePem() + "\n");
            }

            File.WriteAllText(Path.Combine(directory, SignerFileName), Signer.ExportCertificatePem() + "\n");
            WritePrivateKey(Path.Combine(directory, SignerKeyFileName));
            File.WriteAllText(Path.Combine(directory, OemPkHashFileName), Convert.ToHexStringLower(_oemPkHash) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TsimImageException($"The signing identity cannot be saved to '{directory}': {e.Message}", e);
        }
    }

    private static X509Certificate2 ReadCertificate(string path)
    {
        string text = File.ReadAllText(path);
        if (!PemEncoding.TryFind(text, out PemFields pem) || text.AsSpan()[pem.Label] is not "CERTIFICATE")
        {
            TsimThrowHelper.ThrowInvalidIdentity($"{Path.GetFileName(path)} holds no PEM CERTIFICATE");
        }

        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text[pem.Base64Data]));
    }

    private void WritePrivateKey(string path)
    {
        using ECDsa key = GetSignerKey();
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        char[] pem = PemEncoding.Write("PRIVATE KEY", pkcs8);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(pem);
                writer.Write('\n');
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            Array.Clear(pem);
        }
    }
}
