using System.Security.Cryptography;
using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator;

/// <summary>
/// One key inside the simulated TME-L: its policy, its owner and its secret. The secret never leaves the simulator: no
/// member returns it to a caller outside the crypto service, and <see cref="ToString"/> names only the policy.
/// </summary>
internal sealed class SimulatedKey : IDisposable
{
    private readonly byte[] _secret;

    private SimulatedKey(TmeKeyPolicy policy, uint owner, byte[] secret, ECCurve? curve)
    {
        Policy = policy;
        Owner = owner;
        _secret = secret;
        Curve = curve;
    }

    /// <summary>Gets the key's policy, checked on every use.</summary>
    public TmeKeyPolicy Policy { get; }

    /// <summary>Gets the subsystem that created the key.</summary>
    public uint Owner { get; }

    /// <summary>Gets the curve of an ECC key; <see langword="null"/> for a symmetric key.</summary>
    public ECCurve? Curve { get; }

    /// <summary>Gets the secret's length in bytes (the symmetric key, or the ECC private scalar).</summary>
    public int SecretLength => _secret.Length;

    /// <summary>A symmetric key over a copy of <paramref name="secret"/>.</summary>
    public static SimulatedKey Symmetric(TmeKeyPolicy policy, uint owner, ReadOnlySpan<byte> secret) => new(policy, owner, secret.ToArray(), null);

    /// <summary>An ECC key over a copy of its private scalar <paramref name="d"/>.</summary>
    public static SimulatedKey Ecc(TmeKeyPolicy policy, uint owner, ECCurve curve, ReadOnlySpan<byte> d) => new(policy, owner, d.ToArray(), curve);

    /// <summary>Lends the secret to a crypto operation inside the simulator; the span must not be kept.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>A new ECDsa object over the private key.</summary>
    public ECDsa CreateEcdsa() => ECDsa.Create(new ECParameters { Curve = Curve!.Value, D = (byte[])_secret.Clone() });

    /// <summary>A new ECDiffieHellman object over the private key.</summary>
    public ECDiffieHellman CreateEcdh() => ECDiffieHellman.Create(new ECParameters { Curve = Curve!.Value, D = (byte[])_secret.Clone() });

    public void Dispose() => CryptographicOperations.ZeroMemory(_secret);

    public override string ToString() => $"key (policy 0x{Policy.High:X8}{Policy.Low:X8}, owner {Owner})";
}
