using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tmel.Services.ImageAuth;

/// <summary>The identity's files: <see cref="Save(string, bool)"/>, <see cref="Load"/> and <see cref="LoadPublic"/>.</summary>
internal sealed partial class TsimSigningIdentity
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly string[] s_fileNames = [RootFileName, CaFileName, SignerFileName, SignerKeyFileName, OemPkHashFileName];

    /// <summary>Whether the identity holds the signer's private key: <see langword="false"/> for one <see cref="LoadPublic"/> loaded.</summary>
    public bool CanSign => Signer.HasPrivateKey;

    /// <summary>Loads an identity <see cref="Save(string, bool)"/> wrote, with the signer's private key.</summary>
    /// <param name="directory">The directory holding root.pem, signer.pem, signer.key, oem_pk_hash.hex and, for a 3-level chain, ca.pem.</param>
    /// <returns>The identity; dispose it to release the signer key.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="TsimImageException">
    /// A file is missing or unreadable, is not the PEM it should be, the key is not a P-384 key or does not match the signer
    /// certificate, oem_pk_hash.hex does not hold the root's hash, the signer lacks its OU fields, or the certificates do
    /// not form a chain (validity times are not checked here).
    /// </exception>
    public static TsimSigningIdentity Load(string directory) => LoadFiles(directory, withKey: true);

    /// <summary>
    /// Loads the public part of an identity <see cref="Save(string, bool)"/> wrote: the certificates and the fuse value, without
    /// signer.key. Enough to verify (<see cref="TsimSigningIdentityExtensions.CreateFuses"/>,
    /// <see cref="TsimSigningIdentityExtensions.GetSoftwareId"/>), not to sign.
    /// </summary>
    /// <param name="directory">The directory holding root.pem, signer.pem, oem_pk_hash.hex and, for a 3-level chain, ca.pem; signer.key is not read.</param>
    /// <returns>The identity, with <see cref="CanSign"/> <see langword="false"/>: <see cref="TsimImageSigner.Sign"/> refuses it.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="TsimImageException">As <see cref="Load"/>, apart from the checks of signer.key.</exception>
    public static TsimSigningIdentity LoadPublic(string directory) => LoadFiles(directory, withKey: false);

    /// <summary>Writes a new identity to a directory where none is: <see cref="Save(string, bool)"/> without overwriting.</summary>
    /// <param name="directory">Where to write the files.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    /// <exception cref="TsimImageException">The directory already holds an identity file, or a file cannot be written.</exception>
    public void Save(string directory) => Save(directory, overwrite: false);

    /// <summary>
    /// Writes root.pem, ca.pem (3-level chains), signer.pem, signer.key (unencrypted PKCS#8 PEM, created with mode 0600 on Unix)
    /// and oem_pk_hash.hex, creating the directory if needed.
    /// </summary>
    /// <param name="directory">Where to write the files.</param>
    /// <param name="overwrite">
    /// Whether to replace an identity already in <paramref name="directory"/> (a stale ca.pem is then deleted for a 2-level
    /// chain). Without it, any identity file (even a dangling link) in the way fails the call before anything is written.
    /// </param>
    /// <remarks>
    /// <para>
    /// Each file is written to a new temporary file in <paramref name="directory"/>, created exclusively (<c>O_EXCL</c>, so
    /// never through a planted link; signer.key with mode 0600 from its creation, never wider), then renamed to its name.
    /// A rename replaces a link at the name instead of writing through it, and without <paramref name="overwrite"/> it fails
    /// if a file appeared at the name meanwhile. An identity without the signer key (<see cref="CanSign"/> false) writes no
    /// signer.key.
    /// </para>
    /// <para>The root's and the CA's private keys do not exist any more, so they are never written.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ObjectDisposedException">The identity is disposed.</exception>
    /// <exception cref="TsimImageException">The directory already holds an identity file and <paramref name="overwrite"/> is false, or a file cannot be written.</exception>
    public void Save(string directory, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            Directory.CreateDirectory(directory);
            if (!overwrite)
            {
                foreach (string name in s_fileNames)
                {
                    if (Exists(Path.Combine(directory, name)))
                    {
                        throw new TsimImageException($"'{directory}' already holds a signing identity ({name}); it is not replaced without overwrite (tmel: --force).");
                    }
                }
            }

            WriteText(directory, RootFileName, Root.ExportCertificatePem() + "\n", overwrite);
            if (Ca is null)
            {
                File.Delete(Path.Combine(directory, CaFileName));
            }
            else
            {
                WriteText(directory, CaFileName, Ca.ExportCertificatePem() + "\n", overwrite);
            }

            WriteText(directory, SignerFileName, Signer.ExportCertificatePem() + "\n", overwrite);
            if (CanSign)
            {
                WritePrivateKey(directory, overwrite);
            }

            WriteText(directory, OemPkHashFileName, Convert.ToHexStringLower(_oemPkHash) + "\n", overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TsimImageException($"The signing identity cannot be saved to '{directory}': {e.Message}", e);
        }
    }

    private static TsimSigningIdentity LoadFiles(string directory, bool withKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        X509Certificate2? root = null, ca = null, signer = null;
        try
        {
            root = ReadCertificate(Path.Combine(directory, RootFileName));
            string caPath = Path.Combine(directory, CaFileName);
            ca = File.Exists(caPath) ? ReadCertificate(caPath) : null;
            signer = withKey ? ReadSignerWithKey(directory) : ReadCertificate(Path.Combine(directory, SignerFileName));
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

    private static X509Certificate2 ReadSignerWithKey(string directory)
    {
        using X509Certificate2 signerPublic = ReadCertificate(Path.Combine(directory, SignerFileName));
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(directory, SignerKeyFileName)));
        if (key.KeySize != 384)
        {
            TsimThrowHelper.ThrowInvalidIdentity($"{SignerKeyFileName} holds a {key.KeySize}-bit key; a P-384 key is needed");
        }

        return signerPublic.CopyWithPrivateKey(key);
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

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static void WriteText(string directory, string name, string text, bool overwrite) =>
        WriteFile(directory, name, overwrite, ownerOnly: false, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Creates a new temporary file beside <paramref name="name"/> exclusively, fills it, and renames it to <paramref name="name"/>.</summary>
    private static void WriteFile(string directory, string name, bool overwrite, bool ownerOnly, Action<FileStream> write)
    {
        string temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Combine(directory, name), overwrite);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private void WritePrivateKey(string directory, bool overwrite)
    {
        using ECDsa key = GetSignerKey();
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        char[] pem = PemEncoding.Write("PRIVATE KEY", pkcs8);
        try
        {
            WriteFile(directory, SignerKeyFileName, overwrite, ownerOnly: true, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                writer.Write(pem);
                writer.Write('\n');
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            Array.Clear(pem);
        }
    }
}
