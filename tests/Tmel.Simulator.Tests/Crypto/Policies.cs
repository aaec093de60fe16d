using Tmel.Services.Tmelcom.Crypto;

namespace Tmel.Simulator.Tests.Crypto;

/// <summary>Key policies for the tests, composed from the §4.3 fields (version 4, owner HLOS).</summary>
internal static class Policies
{
    public static TmeKeyPolicy Make(TmeKeyType type, TmeKeyLength length, uint operations, uint algorithm, TmeKeyProfile profile = TmeKeyProfile.Generic, uint wrap = 0) =>
        new(
            (uint)type | ((uint)length << 3) | ((uint)profile << 7) | (operations << 10) | (algorithm << 14) | (2u << 20) | (3u << 26),
            (wrap << 1) | (1u << 6) | (4u << 12) | (0x008u << 16));

    public static TmeKeyPolicy Aes(TmeKeyAlgorithm algorithm, uint operations = 3, TmeKeyLength length = TmeKeyLength.Bits256, uint wrap = 0) =>
        Make(TmeKeyType.Symmetric, length, operations, (uint)algorithm, wrap: wrap);

    public static TmeKeyPolicy Hmac(TmeKeyAlgorithm algorithm = TmeKeyAlgorithm.Sha256Hmac, TmeKeyLength length = TmeKeyLength.Bits256) =>
        Make(TmeKeyType.Symmetric, length, 4, (uint)algorithm);

    public static TmeKeyPolicy Kdk() => Make(TmeKeyType.Symmetric, TmeKeyLength.Bits256, 4, (uint)TmeKeyAlgorithm.KdfNist, TmeKeyProfile.KeyDerivation);

    public static TmeKeyPolicy Kwk() => Make(TmeKeyType.Symmetric, TmeKeyLength.Bits256, 3, (uint)TmeKeyAlgorithm.Aes256Ecb, TmeKeyProfile.WrapStorage);

    public static TmeKeyPolicy Ecdsa(TmeKeyLength length = TmeKeyLength.Bits256) => Make(TmeKeyType.Ecc, length, 1, 0);

    public static TmeKeyPolicy Ecdh(TmeKeyLength length = TmeKeyLength.Bits256) => Make(TmeKeyType.Ecc, length, 2, 1);
}
