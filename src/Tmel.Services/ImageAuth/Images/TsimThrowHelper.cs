using System.Diagnostics.CodeAnalysis;

namespace Tmel.Services.ImageAuth;

/// <summary>Throw sites of the TSIM-MBN7 tools, kept out of the parsing and signing paths.</summary>
internal static class TsimThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidImage(string what, string why) =>
        throw new TsimImageException($"The {what} is not usable: {why}.");

    [DoesNotReturn]
    public static void ThrowInvalidOption(string name, string why) =>
        throw new TsimImageException($"{name}: {why}.");

    [DoesNotReturn]
    public static void ThrowInvalidIdentity(string why, Exception? inner = null) =>
        throw (inner is null
            ? new TsimImageException($"The signing identity is not usable: {why}.")
            : new TsimImageException($"The signing identity is not usable: {why}.", inner));
}
