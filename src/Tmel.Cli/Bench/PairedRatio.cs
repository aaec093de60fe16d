namespace Tmel.Cli.Bench;

/// <summary>
/// A candidate's time relative to its baseline, from interleaved batches: each pair is one candidate batch and the baseline
/// batch run right next to it, and the ratio of their times per operation; the median of those ratios, and its spread as the
/// 10th and 90th percentiles.
/// </summary>
/// <param name="Median">The median of the paired ratios (candidate / adjacent baseline): the authoritative figure.</param>
/// <param name="P10">The 10th percentile of the paired ratios.</param>
/// <param name="P90">The 90th percentile of the paired ratios.</param>
/// <param name="Pairs">How many pairs were measured.</param>
internal sealed record PairedRatio(double Median, double P10, double P90, int Pairs);
