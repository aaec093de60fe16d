using Rpmsg.Core;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>Names a failure by its typed error: the exception type and its error code or reason.</summary>
internal static class SoakErrors
{
    public static string Kind(Exception ex) => ex switch
    {
        QmpLinkException q => $"QmpLinkException.{q.Reason}",
        RpmsgTimeoutException t => $"RpmsgTimeoutException.{t.Error}",
        RpmsgEndpointClosedException c => $"RpmsgEndpointClosedException.{c.Error}",
        RpmsgException r => $"RpmsgException.{r.Error}",
        _ => $"untyped {ex.GetType().Name}",
    };
}
