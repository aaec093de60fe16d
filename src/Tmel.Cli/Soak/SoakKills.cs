namespace Tmel.Cli.Soak;

/// <summary>
/// The simulator kills of a soak: a task that completes at the next kill (an exchange in flight then stops waiting for an
/// echo the dead process cannot send), the first ledger echo after the last kill (recovery), and the figures.
/// </summary>
internal sealed class SoakKills
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _recoveries = [];
    private readonly List<TimeSpan> _restarts = [];
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private int _unrecovered;
    private long _firstEchoAfterKill;

    /// <summary>Gets a task that completes at the next kill.</summary>
    public Task NextKill => Volatile.Read(ref _next).Task;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets when the first ledger echo after the last kill came (a timestamp), or 0 while none did.</summary>
    public long FirstEchoAfterKill => Interlocked.Read(ref _firstEchoAfterKill);

    public void EchoReceived(long now)
    {
        Interlocked.CompareExchange(ref _firstEchoAfterKill, now, 0);
    }

    public void Killed()
    {
        Interlocked.Exchange(ref _firstEchoAfterKill, 0);
        TaskCompletionSource fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Increment(ref _count);
        fired.TrySetResult();
    }

    public void Restarted(TimeSpan launchToServing)
    {
        lock (_gate)
        {
            _restarts.Add(launchToServing);
        }
    }

    public void Recovered(TimeSpan killToFirstEcho)
    {
        lock (_gate)
        {
            _recoveries.Add(killToFirstEcho);
        }
    }

    public void NotRecovered() => Interlocked.Increment(ref _unrecovered);

    public SoakKillFigures Snapshot()
    {
        lock (_gate)
        {
            return new SoakKillFigures(Count, Volatile.Read(ref _unrecovered), [.. _recoveries], [.. _restarts]);
        }
    }
}

/// <summary>A soak's simulator kills: how many, how many the client did not recover from within the bound, the time from
/// each kill to the first echo after it, and from each new simulator's launch to its serving line.</summary>
internal sealed record SoakKillFigures(int Kills, int Unrecovered, IReadOnlyList<TimeSpan> Recoveries, IReadOnlyList<TimeSpan> Restarts)
{
    public static TimeSpan Median(IReadOnlyList<TimeSpan> values)
    {
        if (values.Count == 0)
        {
            return TimeSpan.Zero;
        }

        TimeSpan[] sorted = [.. values.Order()];
        return sorted[(sorted.Length - 1) / 2];
    }

    public static TimeSpan Max(IReadOnlyList<TimeSpan> values) => values.Count == 0 ? TimeSpan.Zero : values.Max();
}
