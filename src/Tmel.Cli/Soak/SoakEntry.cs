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

    public int AddReceived() => Interlocked.Increment(ref _received);

    public void Settle(long now)
    {
        if (_settled.TrySetResult())
        {
            SettledAt = now;
        }
    }
}
