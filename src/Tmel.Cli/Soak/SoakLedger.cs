using System.Collections.Concurrent;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>
/// The per-message ledger: every message's sequence number, size and sender; what each side saw of it; and, once it is old
/// enough that nothing more can happen to it, its outcome folded into the totals (so memory stays flat however long the run).
/// </summary>
internal sealed class SoakLedger(TimeProvider time, SoakCorruptionRecords records)
{
    private const int RecentPerClient = 4;
    private readonly ConcurrentDictionary<long, SoakEntry> _entries = new();
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly Lock _recentGate = new();
    private readonly Dictionary<int, long[]> _recent = [];
    private readonly ConcurrentQueue<(SoakEntry Entry, byte[] Actual, long At)> _unexplained = new();
    private long _next;
    private long _attempted;
    private const int MaxDetails = 5;

    private long _confirmed;
    private long _roundTrips;
    private long _lost;
    private long _duplicated;
    private long _corruptedExplained;
    private long _corruptedUnexplained;
    private long _hung;
    private long _unidentified;

    public SoakLatency Latency { get; } = new();

    /// <summary>What the unexplained corruptions looked like (seq, size, differing bytes), for the report.</summary>
    public ConcurrentQueue<string> UnexplainedDetails { get; } = new();

    /// <summary>What the first few unidentified deliveries looked like, for the report.</summary>
    public ConcurrentQueue<string> UnidentifiedDetails { get; } = new();

    /// <summary>The first few untyped failures in full (type, message, stack), for the report: each is a bug to find.</summary>
    public ConcurrentQueue<string> UntypedDetails { get; } = new();

    /// <summary>The first few hung messages (what each side saw of them), for the report.</summary>
    public ConcurrentQueue<string> HungDetails { get; } = new();

    public long Issued => Interlocked.Read(ref _next);

    public int Open => _entries.Count;

    /// <summary>Takes the next sequence number, or false once <paramref name="limit"/> were taken.</summary>
    public bool TryNext(long limit, out long seq)
    {
        seq = Interlocked.Increment(ref _next);
        return seq <= limit;
    }

    public SoakEntry Register(long seq, int client, int size)
    {
        var entry = new SoakEntry(seq, client, size, time.GetTimestamp());
        _entries[seq] = entry;
        lock (_recentGate)
        {
            if (!_recent.TryGetValue(client, out long[]? recent))
            {
                _recent[client] = recent = new long[RecentPerClient];
            }

            Array.Copy(recent, 0, recent, 1, RecentPerClient - 1);
            recent[0] = seq;
        }

        return entry;
    }

    /// <summary>Finds which message <paramref name="payload"/> is: the message its sequence number names when the bytes are exactly
    /// that message's and it is still open; otherwise (a corrupted copy, whose sequence number may be corrupted too) the
    /// sender's message of that size, named or recent, that the bytes differ least from, an open one first when recorded
    /// payload faults explain the difference; null when none fits.</summary>
    /// <remarks>Each sender has one exchange open at a time. A corrupted copy of it can be byte for byte an earlier message of
    /// the same size (a message under 4 bytes carries only the low bytes of its number): taken for that earlier message, it
    /// counted as a duplicate and left the open one waiting for ever (the CI soak's hang). An exact copy of a settled message
    /// is that message only when no recorded fault explains the open one.</remarks>
    public SoakEntry? Identify(int client, ReadOnlySpan<byte> payload) => Identify(client, payload, payload.Length);

    /// <summary>As <see cref="Identify(int, ReadOnlySpan{byte})"/> for a message of <paramref name="size"/> bytes of which only
    /// the first ones are known (a <see cref="SoakNotice"/> carries as many as fit).</summary>
    public SoakEntry? Identify(int client, ReadOnlySpan<byte> payload, int size)
    {
        long claimed = SoakPayload.ClaimedSequence(payload);
        SoakEntry? named = claimed > 0 && _entries.TryGetValue(claimed, out SoakEntry? entry) && entry.Client == client && entry.Size == size ? entry : null;
        if (named is not null && !named.Settled.IsCompleted && payload.SequenceEqual(SoakPayload.Build(named.Seq, named.Size).AsSpan(0, payload.Length)))
        {
            return named;
        }

        List<SoakEntry> candidates = named is null ? [] : [named];
        lock (_recentGate)
        {
            if (_recent.TryGetValue(client, out long[]? recent))
            {
                foreach (long seq in recent)
                {
                    if (seq > 0 && _entries.TryGetValue(seq, out entry) && entry.Size == size && !candidates.Contains(entry))
                    {
                        candidates.Add(entry);
                    }
                }
            }
        }

        SoakEntry? best = null;
        int fewest = int.MaxValue;
        SoakEntry? open = null;
        int openFewest = int.MaxValue;
        foreach (SoakEntry candidate in candidates)
        {
            byte[] expected = SoakPayload.Build(candidate.Seq, candidate.Size);
            int differing = 0;
            for (int i = 0; i < payload.Length; i++)
            {
                differing += expected[i] == payload[i] ? 0 : 1;
            }

            if (differing < fewest)
            {
                (best, fewest) = (candidate, differing);
            }

            bool explained = differing == 0 || records.Explains(expected.AsSpan(0, payload.Length), payload);
            if (!candidate.Settled.IsCompleted && explained && differing < openFewest)
            {
                (open, openFewest) = (candidate, differing);
            }
        }

        best = open ?? best;
        if (best is null)
        {
            Interlocked.Increment(ref _unidentified);
            if (UnidentifiedDetails.Count < MaxDetails)
            {
                bool exact = claimed > 0 && payload.SequenceEqual(SoakPayload.Build(claimed, size).AsSpan(0, payload.Length));
                string known = claimed <= 0 || claimed > Issued ? "never issued" : _entries.TryGetValue(claimed, out SoakEntry? e)
                    ? $"open (client {e.Client}, size {e.Size}, settled {e.SettledAt != 0}, request {e.RequestFailure ?? (e.RequestConfirmed ? "confirmed" : "pending")}, reply {e.ReplyFailure ?? (e.ReplyConfirmed ? "confirmed" : "pending")})"
                    : "already folded";
                UnidentifiedDetails.Enqueue($"client {client}, size {size}, claims seq {claimed} ({known}), bytes {(exact ? "exactly that message's" : "not that message's")}");
            }
        }

        return best;
    }

    /// <summary>Checks a delivered copy byte for byte; a wrong one is explained if the injectors' payload faults account for every wrong byte.</summary>
    public bool Check(SoakEntry entry, ReadOnlySpan<byte> actual)
    {
        byte[] expected = SoakPayload.Build(entry.Seq, entry.Size);
        if (actual.SequenceEqual(expected))
        {
            return true;
        }

        if (records.Explains(expected, actual))
        {
            entry.CorruptedExplained = true;
        }
        else
        {
            // The fault may be reported a moment after the peer read it; look again later before calling it unexplained.
            _unexplained.Enqueue((entry, actual.ToArray(), time.GetTimestamp()));
        }

        return false;
    }

    /// <summary>Names a failure by its typed error (<see cref="SoakErrors.Kind"/>); keeps the first untyped ones whole.</summary>
    public string FailureKind(Exception ex)
    {
        string kind = SoakErrors.Kind(ex);
        if (!SoakErrors.IsTyped(kind) && UntypedDetails.Count < MaxDetails)
        {
            UntypedDetails.Enqueue(ex.ToString());
        }

        return kind;
    }

    /// <summary>The first unexplained corruptions, unidentified deliveries and untyped failures, for the report.</summary>
    public IReadOnlyList<string> Findings() =>
    [
        .. UnexplainedDetails.Take(20).Select(d => "unexplained corruption: " + d),
        .. UnidentifiedDetails.Select(d => "unidentified delivery: " + d),
        .. UntypedDetails.Select(d => "untyped failure: " + d),
        .. HungDetails.Select(d => "hung: " + d),
    ];

    public void Fail(string kind) => _failures.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    /// <summary>Folds every entry settled before <paramref name="age"/> ago into the totals (all of them when <paramref name="all"/>).</summary>
    public void Sweep(TimeSpan age, bool all)
    {
        RecheckCorruptions(all ? TimeSpan.Zero : TimeSpan.FromMilliseconds(200));
        foreach ((long seq, SoakEntry entry) in _entries)
        {
            bool old = entry.SettledAt != 0 && time.GetElapsedTime(entry.SettledAt) >= age;
            if ((all || old) && _entries.TryRemove(seq, out _))
            {
                Fold(entry);
            }
        }
    }

    /// <summary>The messages still open.</summary>
    public IEnumerable<SoakEntry> OpenEntries() => _entries.Values.Where(e => !e.Settled.IsCompleted);

    public bool HasUnsettled() => OpenEntries().Any();

    /// <summary>Settles every message still open as hung (the run's end bound passed), so nothing waits for it any more.</summary>
    /// <returns>How many were open.</returns>
    public int HangOpen()
    {
        long now = time.GetTimestamp();
        int hung = 0;
        foreach (SoakEntry entry in _entries.Values)
        {
            if (entry.SettleHung(now))
            {
                hung++;
            }
        }

        return hung;
    }

    public SoakTotals Totals(IReadOnlyDictionary<QmpFaultKind, long> faults) => new(
        Interlocked.Read(ref _attempted),
        Interlocked.Read(ref _confirmed),
        Interlocked.Read(ref _roundTrips),
        new SortedDictionary<string, long>(_failures, StringComparer.Ordinal),
        Interlocked.Read(ref _lost),
        Interlocked.Read(ref _duplicated),
        Interlocked.Read(ref _corruptedExplained),
        Interlocked.Read(ref _corruptedUnexplained),
        Interlocked.Read(ref _hung),
        Interlocked.Read(ref _unidentified),
        faults);

    private void RecheckCorruptions(TimeSpan after)
    {
        int count = _unexplained.Count;
        for (int i = 0; i < count && _unexplained.TryDequeue(out var item); i++)
        {
            if (time.GetElapsedTime(item.At) < after)
            {
                _unexplained.Enqueue(item);
                continue;
            }

            if (records.Explains(SoakPayload.Build(item.Entry.Seq, item.Entry.Size), item.Actual))
            {
                item.Entry.CorruptedExplained = true;
            }
            else
            {
                item.Entry.CorruptedUnexplained = true;
                UnexplainedDetails.Enqueue($"seq {item.Entry.Seq} size {item.Entry.Size} client {item.Entry.Client}: {SoakCorruptionRecords.Describe(SoakPayload.Build(item.Entry.Seq, item.Entry.Size), item.Actual)}");
            }
        }
    }

    private void Fold(SoakEntry entry)
    {
        Interlocked.Increment(ref _attempted);
        if (entry.RequestConfirmed)
        {
            Interlocked.Increment(ref _confirmed);
        }
        else if (entry.RequestFailure is { } failure)
        {
            Fail(failure);
        }

        if (entry.ReplyFailure is { } replyFailure)
        {
            Fail("reply " + replyFailure);
        }

        if (entry.RequestConfirmed && entry.Delivered == 0 && entry.Received == 0 && entry.Unanswered is { } unanswered)
        {
            Fail(unanswered);
        }
        else if ((entry.RequestConfirmed && entry.Delivered == 0) || (entry.ReplyConfirmed && entry.Received == 0))
        {
            Interlocked.Increment(ref _lost);
        }

        if (entry.Delivered > 1 || entry.Received > 1)
        {
            Interlocked.Increment(ref _duplicated);
        }

        if (entry.Received > 0 && entry.ReplyConfirmed)
        {
            Interlocked.Increment(ref _roundTrips);
        }

        if (entry.CorruptedUnexplained)
        {
            Interlocked.Increment(ref _corruptedUnexplained);
        }
        else if (entry.CorruptedExplained)
        {
            Interlocked.Increment(ref _corruptedExplained);
        }

        if (entry.Hung)
        {
            Interlocked.Increment(ref _hung);
            if (HungDetails.Count < MaxDetails)
            {
                HungDetails.Enqueue(entry.ToString());
            }
        }
    }
}
