using System.Security.Cryptography;
using Tmel.Services.Crypto;
using Tmel.Services.Tmelcom;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>What <c>tmel crypto</c> needs to know about a key before using it: its curve, from the index or by asking TME-L.</summary>
internal static class CryptoKeys
{
    private static readonly TmeCurve[] s_curves = [TmeCurve.P256, TmeCurve.P384];

    /// <summary>The curve of ECC key <paramref name="handle"/>, whether it is an ECDH key, and its public point X‖Y.</summary>
    /// <remarks>Taken from the index when it knows the key; otherwise TME-L is asked for the public key on each curve in turn
    /// (ECC_GET_PUBKEY, then ECDH_GET_PUBKEY): it answers only for the key's own curve and kind.</remarks>
    /// <exception cref="TmelUsageException">TME-L holds no P-256 or P-384 key under that handle for this subsystem.</exception>
    public static async Task<(TmeCurve Curve, bool Ecdh, byte[] Point)> ResolveEccAsync(CryptoSession session, uint handle)
    {
        var key = new TmeKeyHandle(handle);
        if (session.Index?.Find(handle) is { Type: { } type } entry && CryptoKeyWords.CurveOf(type) is var known && known != TmeCurve.None)
        {
            bool ecdh = entry.Usage.Contains("derive");
            byte[] point = await session.Client.GetPublicPointAsync(ecdh ? TmelcomUid.HcsEcdhGetPublicKey : TmelcomUid.HcsEccGetPublicKey, key, known, session.Token).ConfigureAwait(false);
            return (known, ecdh, point);
        }

        foreach (ushort uid in (ushort[])[TmelcomUid.HcsEccGetPublicKey, TmelcomUid.HcsEcdhGetPublicKey])
        {
            foreach (TmeCurve curve in s_curves)
            {
                try
                {
                    byte[] point = await session.Client.GetPublicPointAsync(uid, key, curve, session.Token).ConfigureAwait(false);
                    return (curve, uid == TmelcomUid.HcsEcdhGetPublicKey, point);
                }
                catch (TmeCryptoException)
                {
                    // Not this curve or kind; the next one.
                }
            }
        }

        throw new TmelUsageException($"--key {handle}: TME-L holds no P-256 or P-384 key {handle} for this subsystem.");
    }

    /// <summary>The PEM SubjectPublicKeyInfo of a public point, as OpenSSL reads it.</summary>
    public static string PublicKeyPem(TmeCurve curve, byte[] point)
    {
        int size = point.Length / 2;
        using var key = ECDsa.Create(new ECParameters { Curve = NamedCurve(curve), Q = new ECPoint { X = point[..size], Y = point[size..] } });
        return key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The curve and point X‖Y of a PEM public key.</summary>
    /// <exception cref="TmelUsageException">Not a PEM EC public key on P-256 or P-384.</exception>
    public static (TmeCurve Curve, byte[] Point) FromPem(string pem, string option)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new TmelUsageException($"{option}: not a PEM EC public key ({ex.Message}).");
        }

        ECParameters q = key.ExportParameters(includePrivateParameters: false);
        TmeCurve curve = q.Curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => TmeCurve.P256,
            "1.3.132.0.34" => TmeCurve.P384,
            _ => throw new TmelUsageException($"{option}: the key is on {q.Curve.Oid.FriendlyName ?? q.Curve.Oid.Value}; P-256 and P-384 are accepted."),
        };
        return (curve, [.. q.Q.X!, .. q.Q.Y!]);
    }

    public static ECCurve NamedCurve(TmeCurve curve) => curve == TmeCurve.P384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256;

    /// <summary>The hash a signature over a message on <paramref name="curve"/> uses unless --alg says otherwise.</summary>
    public static string DefaultHash(TmeCurve curve) => curve == TmeCurve.P384 ? "sha-384" : "sha-256";
}
