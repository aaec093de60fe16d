using System.Diagnostics.CodeAnalysis;
using Rpmsg.Core;

namespace Tmel.Services.Tmelcom;

/// <summary>Throw sites of the TMELCOM codecs, kept out of the encode and decode paths.</summary>
internal static class TmelcomThrowHelper
{
    [DoesNotReturn]
    public static void ThrowWrongLength(string what, int actual, int expected) =>
        throw new RpmsgProtocolException($"A {what} is exactly {expected} bytes; got {actual}.");

    [DoesNotReturn]
    public static void ThrowMalformed(string what, string why) =>
        throw new RpmsgProtocolException($"Malformed {what}: {why}.");

    [DoesNotReturn]
    public static void ThrowWrongForm(TmelcomIpcType actual, TmelcomIpcType needed) =>
        throw new InvalidOperationException($"The packet is a {actual} packet; this member needs a {needed} packet.");
}
