using System.CommandLine.Parsing;

namespace Tmel.Cli.Commands;

/// <summary>Parses a nonce given as hex on the command line: 32, 48 or 64 bytes.</summary>
internal static class HexOption
{
    public static byte[] ParseNonce(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        try
        {
            byte[] bytes = Convert.FromHexString(text);
            if (Tmel.Services.Attestation.AttestationClaimKeys.IsNonceLength(bytes.Length))
            {
                return bytes;
            }

            result.AddError($"--nonce is {bytes.Length} bytes; 32, 48 or 64 bytes (64, 96 or 128 hex digits) are accepted.");
        }
        catch (FormatException)
        {
            result.AddError($"--nonce '{text}' is not hex (64, 96 or 128 hex digits).");
        }

        return [];
    }
}
