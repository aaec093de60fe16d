using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>Names a failure by its typed error: the exception type and its error code or reason.</summary>
internal static class SoakErrors
{
    private const string UntypedPrefix = "untyped ";

    public static string Kind(Exception ex) => ex switch
    {
        QmpLinkException q => $"QmpLinkException.{q.Reason}",
        RpmsgTimeoutException t => $"RpmsgTimeoutException.{t.Error}",
        RpmsgEndpointClosedException c => $"RpmsgEndpointClosedException.{c.Error}",
        RpmsgException r => $"RpmsgException.{r.Error}",
        _ => $"{UntypedPrefix}{ex.GetType().Name}",
    };

    /// <summary>Whether a kind names a typed error; an untyped failure fails the run.</summary>
    public static bool IsTyped(string kind) => !kind.Contains(UntypedPrefix, StringComparison.Ordinal);
}
