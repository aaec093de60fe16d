namespace Tmel.Cli.Bench;

/// <summary>Percentiles of a sample, by linear interpolation between the closest ranks.</summary>
internal static class BenchStatistics
{
    /// <summary>The <paramref name="fraction"/> percentile (0 to 1) of <paramref name="sorted"/>, which is sorted ascending and not empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(sorted));
        }

        double rank = fraction * (sorted.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>The median of <paramref name="sorted"/>, which is sorted ascending and not empty.</summary>
    public static double Median(IReadOnlyList<double> sorted) => Percentile(sorted, 0.5);

    /// <summary>The paired-ratio summary of <paramref name="ratios"/> (any order; sorted in place).</summary>
    public static PairedRatio Summarize(List<double> ratios)
    {
        ratios.Sort();
        return new PairedRatio(Median(ratios), Percentile(ratios, 0.1), Percentile(ratios, 0.9), ratios.Count);
    }
}
