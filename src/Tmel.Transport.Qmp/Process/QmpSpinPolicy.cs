namespace Tmel.Transport.Qmp;

/// <summary>
/// How long a cross-process doorbell waiter polls the peer's descriptor before it blocks: it spins only when spinning has
/// recently paid off.
/// </summary>
/// <remarks>
/// A wait that blocked and was woken within <see cref="QuickWake"/> says the peer answers fast, so the next wait may poll
/// (the budget starts at <see cref="InitialRounds"/> and doubles up to <see cref="MaxRounds"/> while polling keeps catching
/// writes). A poll that caught nothing halves the budget; a blocked wait that lasted longer than <see cref="QuickWake"/>
/// zeroes it. So an idle link never spins (about 0% CPU), and a busy one wakes without a system call. Used by one waiter.
/// </remarks>
internal sealed class QmpSpinPolicy
{
    public const int InitialRounds = 16;

    public static readonly TimeSpan QuickWake = TimeSpan.FromMicroseconds(100);

    public QmpSpinPolicy(int maxRounds) => MaxRounds = maxRounds;

    public int MaxRounds { get; }

    public int Rounds { get; private set; }

    public void Paid() => Rounds = Math.Min(MaxRounds, Math.Max(InitialRounds, Rounds * 2));

    public void Wasted() => Rounds /= 2;

    public void Blocked(TimeSpan waited) => Rounds = waited <= QuickWake ? Math.Min(MaxRounds, Math.Max(Rounds, InitialRounds)) : 0;
}
