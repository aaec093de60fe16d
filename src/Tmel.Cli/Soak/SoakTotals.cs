using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>The soak's message outcomes so far.</summary>
/// <param name="Attempted">Messages whose send began.</param>
/// <param name="Confirmed">Messages whose send completed: the peer consumed them.</param>
/// <param name="RoundTrips">Messages whose echo came back.</param>
/// <param name="Failures">Typed failures by kind (a request's send, or "reply ..." for the echo's send).</param>
/// <param name="Lost">Confirmed (either way) but never delivered.</param>
/// <param name="Duplicated">Delivered more than once (either way).</param>
/// <param name="CorruptedByInjection">Delivered with wrong bytes, every one of them an injected payload fault (QMP has no checksum).</param>
/// <param name="CorruptedUnexplained">Delivered with wrong bytes no injected payload fault accounts for.</param>
/// <param name="Hung">Calls that ran past their own bound.</param>
/// <param name="Unidentified">Delivered messages that match no message sent.</param>
/// <param name="Faults">Faults injected, by kind.</param>
internal sealed record SoakTotals(
    long Attempted,
    long Confirmed,
    long RoundTrips,
    IReadOnlyDictionary<string, long> Failures,
    long Lost,
    long Duplicated,
    long CorruptedByInjection,
    long CorruptedUnexplained,
    long Hung,
    long Unidentified,
    IReadOnlyDictionary<QmpFaultKind, long> Faults)
{
    public long Failed => Failures.Values.Sum();

    public long FaultsInjected => Faults.Values.Sum();

    /// <summary>Whether the run kept QMP's promises: nothing lost, duplicated, corrupted unexplained, hung or unidentified.</summary>
    public bool Passed => Lost == 0 && Duplicated == 0 && CorruptedUnexplained == 0 && Hung == 0 && Unidentified == 0 && Failures.Keys.All(SoakErrors.IsTyped);
}
