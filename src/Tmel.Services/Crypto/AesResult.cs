namespace Tmel.Services.Crypto;

/// <summary>The result of HCS_AES_ENCRYPT: the ciphertext, the IV TME-L used and, for GCM, the tag.</summary>
/// <param name="Ciphertext">The ciphertext, as long as the plaintext.</param>
/// <param name="Iv">The IV TME-L drew (16 bytes for CBC, 12 for GCM, empty for ECB).</param>
/// <param name="Tag">The GCM tag (16 bytes); empty for ECB and CBC.</param>
public sealed record AesResult(byte[] Ciphertext, byte[] Iv, byte[] Tag);
