namespace Tmel.Transport.Qmp;

/// <summary>Settings of a <see cref="QmpFaultInjectingMailbox"/>: a seed, a rate per fault kind and the fault timings.</summary>
/// <remarks>
/// A rate is the probability that one opportunity of its kind gets the fault: the ring kinds (<see cref="QmpFaultKind.LostRing"/>,
/// <see cref="QmpFaultKind.DuplicatedRing"/>, <see cref="QmpFaultKind.DelayedRing"/>, <see cref="QmpFaultKind.StalledPeer"/>) per
/// doorbell ring, the descriptor and payload kinds per fragment written, the reset kinds per read of the peer's mailbox. At
/// most one fault is injected per opportunity, so the rates of one operation's kinds must add up to at most 1.
/// </remarks>
public sealed class QmpFaultInjectionOptions
{
    private readonly double[] _rates = new double[Enum.GetValues<QmpFaultKind>().Length];

    /// <summary>Gets or sets the seed of the injector's random decisions: the same seed makes the same decisions for the same sequence of operations.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets how long a <see cref="QmpFaultKind.DelayedRing"/> is held back.</summary>
    /// <value>Default 2 ms.</value>
    public TimeSpan RingDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Gets or sets how long a <see cref="QmpFaultKind.StalledPeer"/> lasts.</summary>
    /// <value>Default 20 ms.</value>
    public TimeSpan StallDuration { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Gets or sets how long a peer link or channel reset may wait for both sides to see it before the peer comes back anyway.</summary>
    /// <value>Default 200 ms.</value>
    public TimeSpan ResetHold { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets a callback for every injected fault, called on the thread that hit it (keep it short; no lock is held).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Action<QmpInjectedFault>? OnFault { get; set; }

    /// <summary>Creates options with every kind at <paramref name="rate"/>.</summary>
    /// <param name="rate">The probability per opportunity, 0 to 0.25 (four kinds share the ring and the fragment-write opportunities).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside 0..0.25.</exception>
    public static QmpFaultInjectionOptions ForAllKinds(double rate, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 0.25);
        var options = new QmpFaultInjectionOptions { Seed = seed };
        foreach (QmpFaultKind kind in Enum.GetValues<QmpFaultKind>())
        {
            options.SetRate(kind, rate);
        }

        return options;
    }

    /// <summary>Gets the probability of <paramref name="kind"/> per opportunity.</summary>
    /// <param name="kind">The fault kind.</param>
    /// <returns>The rate, 0 to 1.</returns>
    public double GetRate(QmpFaultKind kind) => _rates[(int)kind];

    /// <summary>Sets the probability of <paramref name="kind"/> per opportunity.</summary>
    /// <param name="kind">The fault kind.</param>
    /// <param name="rate">0 (never) to 1 (every opportunity).</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a fault kind, or <paramref name="rate"/> is outside 0..1.</exception>
    public QmpFaultInjectionOptions SetRate(QmpFaultKind kind, double rate)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)kind, (uint)_rates.Length, nameof(kind));
        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "A rate is a probability from 0 to 1.");
        }

        _rates[(int)kind] = rate;
        return this;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RingDelay, TimeSpan.Zero, nameof(RingDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(StallDuration, TimeSpan.Zero, nameof(StallDuration));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResetHold, TimeSpan.Zero, nameof(ResetHold));
        foreach (QmpFaultKind[] group in QmpFaultInjectingMailbox.Groups)
        {
            double sum = group.Sum(GetRate);
            if (sum > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(SetRate), sum, $"The rates of {string.Join(", ", group)} share one opportunity and add up to more than 1.");
            }
        }
    }
}
