using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>Creating keys: the checks every new key passes, whatever made it (generate, import, derive, unwrap, ECDH).</summary>
internal sealed partial class CryptoService
{
    /// <summary>Stores a new key under <paramref name="policy"/>: generated when <paramref name="secret"/> is null, else over those bytes.</summary>
    private TmeStatus CreateKey(TmeKeyPolicy policy, byte[]? secret, string operation, out uint handle)
    {
        handle = 0;
        if (!KeyPolicyRules.IsKnownVersion(policy))
        {
            return TmeStatus.InvalidInput;
        }

        SimulatedKey key;
        switch (policy.KeyType)
        {
            case TmeKeyType.Symmetric:
                int length = KeyPolicyRules.SymmetricLength(policy.KeyLength);
                // An HMAC key may be any length up to KL (RFC 2104); every other symmetric key is exactly KL.
                bool hmacKey = policy.Algorithm is (uint)TmeKeyAlgorithm.Sha256Hmac or (uint)TmeKeyAlgorithm.Sha384Hmac or (uint)TmeKeyAlgorithm.Sha512Hmac;
                if (length == 0 || (secret is not null && (hmacKey ? secret.Length is 0 || secret.Length > length : secret.Length != length)))
                {
                    return TmeStatus.InvalidInput;
                }

                byte[] bytes = secret ?? RandomNumberGenerator.GetBytes(length);
                key = SimulatedKey.Symmetric(policy, _owner, bytes);
                CryptographicOperations.ZeroMemory(bytes);
                break;
            case TmeKeyType.Ecc:
                if (KeyPolicyRules.CurveOf(policy) is not { } curve)
                {
                    return TmeStatus.NotImplemented;
                }

                TmeStatus status = TryPrivateScalar(curve, secret, out byte[] d);
                if (status != TmeStatus.Success)
                {
                    return status;
                }

                key = SimulatedKey.Ecc(policy, _owner, curve, d);
                CryptographicOperations.ZeroMemory(d);
                break;
            case TmeKeyType.Rsa:
                return TmeStatus.NotImplemented;
            default:
                return TmeStatus.InvalidInput;
        }

        TmeStatus added = _keys.TryAdd(key, out handle);
        if (added == TmeStatus.Success)
        {
            Log.KeyCreated(_logger, operation, handle, policy.High, policy.Low);
        }

        return added;
    }

    /// <summary>A valid private scalar on the curve: generated, or checked by importing it (a 521-bit scalar may come padded to 68 bytes with two trailing zeros, A1).</summary>
    private static TmeStatus TryPrivateScalar(ECCurve curve, byte[]? secret, out byte[] d)
    {
        d = [];
        int size = KeyPolicyRules.CoordinateLength(curve);
        try
        {
            if (secret is null)
            {
                using ECDsa generated = ECDsa.Create(curve);
                d = generated.ExportParameters(true).D!;
                return TmeStatus.Success;
            }

            ReadOnlySpan<byte> scalar = secret;
            if (size == 66 && scalar.Length == 68 && scalar[66] == 0 && scalar[67] == 0)
            {
                scalar = scalar[..66];
            }

            if (scalar.Length != size)
            {
                return TmeStatus.InvalidInput;
            }

            d = scalar.ToArray();
            using ECDsa imported = ECDsa.Create(new ECParameters { Curve = curve, D = d });
            return TmeStatus.Success;
        }
        catch (CryptographicException)
        {
            d = [];
            return TmeStatus.InvalidInput;
        }
        catch (PlatformNotSupportedException)
        {
            d = [];
            return TmeStatus.NotImplemented;
        }
    }

    /// <summary>The public point as X‖Y (two coordinates, big-endian, no prefix).</summary>
    private static byte[] PublicPoint(ECParameters parameters)
    {
        byte[] x = parameters.Q.X!;
        byte[] y = parameters.Q.Y!;
        return [.. x, .. y];
    }

    /// <summary>Parses a public key as X‖Y or 0x04‖X‖Y on the curve.</summary>
    private static ECParameters? ParsePublicPoint(ECCurve curve, ReadOnlySpan<byte> key)
    {
        int size = KeyPolicyRules.CoordinateLength(curve);
        if (key.Length == (2 * size) + 1 && key[0] == 0x04)
        {
            key = key[1..];
        }

        if (size == 0 || key.Length != 2 * size)
        {
            return null;
        }

        var parameters = new ECParameters { Curve = curve, Q = new ECPoint { X = key[..size].ToArray(), Y = key[size..].ToArray() } };
        try
        {
            // Importing checks the point is on the curve; a hostile point is refused here, not in the operation.
            parameters.Validate();
            using ECDsa check = ECDsa.Create(parameters);
            return parameters;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
