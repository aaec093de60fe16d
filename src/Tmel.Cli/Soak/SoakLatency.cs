namespace Tmel.Cli.Soak;

/// <summary>Round-trip latencies in fixed buckets (10 µs up to 100 ms, then 1 ms up to 60 s): constant memory for any run length.</summary>
internal sealed class SoakLatency
{
    private const int FineBuckets = 10_000;
    private const int CoarseBuckets = 60_000;
    private readonly long[] _buckets = new long[FineBuckets + CoarseBuckets + 1];
    private long _count;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _count);

    public void Add(TimeSpan latency)
    {
        double us = latency.TotalMicroseconds;
        int bucket = us < 100_000 ? (int)(us / 10) : Math.Min(FineBuckets + (int)((us - 100_000) / 1000), FineBuckets + CoarseBuckets);
        Interlocked.Increment(ref _buckets[Math.Max(0, bucket)]);
        Interlocked.Increment(ref _count);
        long ticks = latency.Ticks;
        long max;
        while (ticks > (max = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, max) != max)
        {
        }
    }

    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    public TimeSpan Percentile(double p)
    {
        long count = Count;
        if (count == 0)
        {
            return TimeSpan.Zero;
        }

        long rank = (long)Math.Ceiling(p * count);
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                // The bucket's upper edge: a percentile is never reported lower than it was.
                double us = i < FineBuckets ? (i + 1) * 10.0 : 100_000 + ((i - FineBuckets + 1) * 1000.0);
                return TimeSpan.FromMicroseconds(Math.Min(us, Max.TotalMicroseconds));
            }
        }

        return Max;
    }
}
