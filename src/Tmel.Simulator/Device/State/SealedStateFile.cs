using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tmel.Simulator;

/// <summary>
/// The sealed state file format, version 1: AES-256-GCM under the device key, with the file's purpose bound into the
/// associated data, so a file cannot be swapped for another purpose's, edited, truncated or extended unnoticed.
/// </summary>
/// <remarks>
/// <code>
///  offset  size  field
///  0       8     magic "TMELSEAL"
///  8       1     format version: 1
///  9       1     purpose (StatePurpose: 1 identity, 2 keys, 3 anti-rollback)
///  10      2     reserved: 0
///  12      4     plaintext length n, little-endian
///  16      12    nonce (random per write)
///  28      16    GCM tag
///  44      n     ciphertext
///
///  associated data = bytes 0..15 (magic, version, purpose, reserved, length) ‖ UTF-8 "TMEL-SIM sealed " + purpose label
/// </code>
/// docs/device-state.md has the whole format and the payloads.
/// </remarks>
internal static class SealedStateFile
{
    public const int HeaderLength = 44;
    public const byte FormatVersion = 1;
    private const int NonceOffset = 16;
    private const int TagOffset = 28;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] s_magic = "TMELSEAL"u8.ToArray();

    /// <summary>The label of a purpose, as bound into the associated data.</summary>
    public static string Label(StatePurpose purpose) => purpose switch
    {
        StatePurpose.Identity => "identity",
        StatePurpose.Keys => "keys",
        StatePurpose.AntiRollback => "anti-rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>Seals <paramref name="plaintext"/> for <paramref name="purpose"/> under a 32-byte device key, with a fresh random nonce.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> deviceKey, StatePurpose purpose, ReadOnlySpan<byte> plaintext)
    {
        byte[] file = new byte[HeaderLength + plaintext.Length];
        WriteHeader(file, purpose, plaintext.Length);
        RandomNumberGenerator.Fill(file.AsSpan(NonceOffset, NonceLength));
        using var gcm = new AesGcm(deviceKey, TagLength);
        gcm.Encrypt(
            file.AsSpan(NonceOffset, NonceLength),
            plaintext,
            file.AsSpan(HeaderLength),
            file.AsSpan(TagOffset, TagLength),
            AssociatedData(file.AsSpan(0, NonceOffset), purpose));
        return file;
    }

    /// <summary>Opens a sealed file; refuses anything that is not exactly what <see cref="Seal"/> wrote for this purpose and key.</summary>
    /// <param name="deviceKey">The 32-byte device key.</param>
    /// <param name="purpose">The purpose the caller expects.</param>
    /// <param name="file">The file's bytes.</param>
    /// <param name="maxPlaintext">The largest plaintext accepted.</param>
    /// <param name="plaintext">The plaintext when opened.</param>
    /// <param name="reason">Why the file was refused, as the end of a sentence.</param>
    /// <returns><see langword="true"/> when the file opened.</returns>
    public static bool TryOpen(ReadOnlySpan<byte> deviceKey, StatePurpose purpose, ReadOnlySpan<byte> file, int maxPlaintext, out byte[] plaintext, out string reason)
    {
        plaintext = [];
        if (file.Length < HeaderLength)
        {
            reason = $"it is {file.Length} bytes, shorter than the {HeaderLength}-byte header (truncated)";
            return false;
        }

        if (!file[..8].SequenceEqual(s_magic))
        {
            reason = "it does not start with the magic \"TMELSEAL\"";
            return false;
        }

        if (file[8] != FormatVersion)
        {
            reason = $"its format version is {file[8]}, not {FormatVersion}";
            return false;
        }

        if (file[9] != (byte)purpose)
        {
            reason = $"its purpose byte is {file[9]}, not {(byte)purpose} ({Label(purpose)})";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(file[10..]) != 0)
        {
            reason = "its reserved bytes are not 0";
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(file[12..]);
        if (length != (uint)(file.Length - HeaderLength))
        {
            reason = $"its header announces {length} bytes of ciphertext but {file.Length - HeaderLength} follow (truncated or extended)";
            return false;
        }

        if (length > (uint)maxPlaintext)
        {
            reason = $"its {length} bytes of ciphertext exceed the {maxPlaintext}-byte limit";
            return false;
        }

        byte[] result = new byte[length];
        try
        {
            using var gcm = new AesGcm(deviceKey, TagLength);
            gcm.Decrypt(file.Slice(NonceOffset, NonceLength), file[HeaderLength..], file.Slice(TagOffset, TagLength), result, AssociatedData(file[..NonceOffset], purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            reason = "its authentication tag does not verify (the file was altered, or sealed under another device's key)";
            return false;
        }

        plaintext = result;
        reason = string.Empty;
        return true;
    }

    private static void WriteHeader(Span<byte> header, StatePurpose purpose, int length)
    {
        s_magic.CopyTo(header);
        header[8] = FormatVersion;
        header[9] = (byte)purpose;
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)length);
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, StatePurpose purpose) =>
        [.. header, .. Encoding.UTF8.GetBytes("TMEL-SIM sealed " + Label(purpose))];
}
