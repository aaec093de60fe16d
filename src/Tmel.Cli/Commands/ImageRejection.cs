using System.Globalization;
using Tmel.Services.ImageAuth;

namespace Tmel.Cli.Commands;

/// <summary>How <c>image verify</c> and <c>image auth</c> print a rejected image: the step, the status, the extended error and the reason.</summary>
internal static class ImageRejection
{
    /// <summary>"at step 'root of trust': Generic (extended error 0x5): the chain's root certificate does not hash to OEM_PK_HASH".</summary>
    public static string Describe(TsimVerificationResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"at step '{result.Step}': {result.Status} (extended error 0x{result.ExtendedError:X}){(result.Detail.Length == 0 ? string.Empty : ": " + result.Detail)}");
}
