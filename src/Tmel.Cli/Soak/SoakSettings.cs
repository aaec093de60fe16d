using Tmel.Transport.Qmp;

namespace Tmel.Cli.Soak;

/// <summary>Where a soak injects faults: into the client's mailbox, the simulator's, or both.</summary>
internal enum SoakFaultSide
{
    Both,
    Client,
    Simulator,
}

/// <summary>What <c>tmel soak</c> runs: how much traffic, which faults at which rates, and the short protocol timeouts that make faults cheap.</summary>
internal sealed record SoakSettings
{
    /// <summary>Messages to send; ignored when <see cref="Duration"/> is set.</summary>
    public long Messages { get; init; } = 10_000;

    /// <summary>Run for this long instead of a message count.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The rate of every fault kind per opportunity (docs/reliability.md).</summary>
    public double FaultRate { get; init; } = 0.002;

    /// <summary>Per-kind rates that replace <see cref="FaultRate"/> for their kind.</summary>
    public IReadOnlyDictionary<QmpFaultKind, double> KindRates { get; init; } = new Dictionary<QmpFaultKind, double>();

    public int Seed { get; init; } = 1;

    public SoakFaultSide FaultSide { get; init; } = SoakFaultSide.Both;

    /// <summary>Client endpoints, each with one exchange in flight.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Ledger echo services on the simulator's bus.</summary>
    public int Services { get; init; } = 4;

    /// <summary>Also drive the simulator's own echo service through the typed <c>EchoClient</c>.</summary>
    public bool TypedEcho { get; init; } = true;

    public int MaxSize { get; init; } = QmpMailboxLayout.MaxMessageSize;

    public TimeSpan FragmentTimeout { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan ConsumeTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The bus's wait for transmit room; many senders share one link.</summary>
    public TimeSpan TxTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Log the stack at this level to standard error; null for no logs.</summary>
    public Microsoft.Extensions.Logging.LogLevel? LogLevel { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a send of the largest message may take by its own timeouts (see <see cref="SendBoundFor"/>).</summary>
    public TimeSpan SendBound => SendBoundFor(QmpMailboxLayout.MaxMessageSize);

    /// <summary>The longest one send of <paramref name="size"/> bytes may take by its own timeouts: the transmit wait, two
    /// fragment periods per fragment and the consumption.</summary>
    /// <param name="size">The message's size in bytes.</param>
    /// <returns>The bound.</returns>
    public TimeSpan SendBoundFor(int size) =>
        TxTimeout + (2 * Math.Max(1, (size + QmpMailboxLayout.MaxFragmentSize - 1) / QmpMailboxLayout.MaxFragmentSize) * FragmentTimeout) + ConsumeTimeout;

    /// <summary>A call not finished by this much past its own bound is hung.</summary>
    public TimeSpan HangGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attach to the simulator process serving this directory (started with <c>--soak-echo</c>) instead of the in-memory one.</summary>
    public string? ConnectDirectory { get; init; }

    /// <summary>Start a simulator process of its own (<c>tmel simulator --soak-echo</c>) in a temporary directory and attach to it.</summary>
    public bool SimulatorProcess { get; init; }

    /// <summary>SIGKILL the owned simulator process after this much traffic, start a new one on the same directory, and again.</summary>
    public TimeSpan? KillSimulatorEvery { get; init; }

    /// <summary>Stop once this many simulator kills were made and recovered from (or not within the bound), instead of after
    /// <see cref="Messages"/>; <see cref="Duration"/> still ends the run if it comes first.</summary>
    public int? SimulatorKills { get; init; }

    /// <summary>Gets how many messages may start: <see cref="Messages"/>, unless a duration or a number of kills ends the run.</summary>
    public long MessageLimit => Duration is null && SimulatorKills is null ? Messages : long.MaxValue;

    /// <summary>Gets whether the whole stack runs in this process, against the in-memory simulator.</summary>
    public bool InMemory => ConnectDirectory is null && !SimulatorProcess;

    public QmpFaultInjectionOptions CreateFaultOptions(int stream)
    {
        var options = new QmpFaultInjectionOptions { Seed = HashCode.Combine(Seed, stream) };
        foreach (QmpFaultKind kind in Enum.GetValues<QmpFaultKind>())
        {
            options.SetRate(kind, KindRates.TryGetValue(kind, out double rate) ? rate : FaultRate);
        }

        return options;
    }
}
