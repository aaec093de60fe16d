namespace Tmel.Cli.Soak;

/// <summary>What happened to one soak message, on both sides of the link.</summary>
internal sealed class SoakEntry(long seq, int client, int size, long startedAt)
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _delivered;
    private int _received;

    public long Seq { get; } = seq;

    public int Client { get; } = client;

    public int Size { get; } = size;

    public long StartedAt { get; } = startedAt;

    /// <summary>The request's send completed: the peer consumed it (delivered, by the link's contract).</summary>
    public bool RequestConfirmed { get; set; }

    /// <summary>The typed error the request's send failed with.</summary>
    public string? RequestFailure { get; set; }

    public bool ReplyConfirmed { get; set; }

    public string? ReplyFailure { get; set; }

    public int Delivered => Volatile.Read(ref _delivered);

    public int Received => Volatile.Read(ref _received);

    public bool CorruptedExplained { get; set; }

    public bool CorruptedUnexplained { get; set; }

    public bool Hung { get; set; }

    /// <summary>When the entry stopped expecting anything (timestamp), 0 while it still does.</summary>
    public long SettledAt { get; private set; }

    public Task Settled => _settled.Task;

    public int AddDelivered() => Interlocked.Increment(ref _delivered);

    /// <summary>Raises the delivery count to at least <paramref name="count"/>: with the simulator in another process the
    /// client learns deliveries from the echoes and the service's notices, each of which names a delivery, maybe again.</summary>
    public void DeliveredAtLeast(int count)
    {
        int seen;
        while (count > (seen = Volatile.Read(ref _delivered)) && Interlocked.CompareExchange(ref _delivered, count, seen) != seen)
        {
        }
    }

    /// <summary>Why a confirmed request got neither an echo nor a notice, when that has a cause outside the link (the simulator
    /// process was killed while it held the message); null otherwise, and then such a message is lost.</summary>
    public string? Unanswered { get; set; }

    public int AddReceived() => Interlocked.Increment(ref _received);

    public void Settle(long now)
    {
        if (_settled.TrySetResult())
        {
            SettledAt = now;
        }
    }

    /// <summary>Settles the entry as hung, unless it settled already.</summary>
    /// <returns>Whether it was still open.</returns>
    public bool SettleHung(long now)
    {
        if (!_settled.TrySetResult())
        {
            return false;
        }

        Hung = true;
        SettledAt = now;
        return true;
    }

    /// <summary>What became of the message, for a report of a hung one.</summary>
    public override string ToString() =>
        $"seq {Seq} client {Client} size {Size}: request {RequestFailure ?? (RequestConfirmed ? "confirmed" : "pending")}, delivered {Delivered}, reply {ReplyFailure ?? (ReplyConfirmed ? "confirmed" : "pending")}, received {Received}";
}
