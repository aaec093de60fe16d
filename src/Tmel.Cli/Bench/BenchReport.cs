using System.Globalization;
using System.Text.Json.Nodes;
using Tmel.Cli.Commands;

namespace Tmel.Cli.Bench;

/// <summary>
/// Prints each figure beside its group's baseline, measured interleaved with it: the median of the paired ratios with its
/// p10–p90 spread (the authoritative figure), the median absolute time, ops/s and bytes allocated; or JSON lines.
/// </summary>
internal static class BenchReport
{
    public static void Write(TextWriter output, IReadOnlyList<BenchResult> results, bool json, string mode)
    {
        if (!json)
        {
            output.WriteLine($"tmel bench ({mode}): baseline and candidates interleaved in short batches; ratio = median of paired ratios");
            output.WriteLine("(candidate batch / adjacent baseline batch) with its p10-p90 spread; compare ratios, not absolute times (medians).");
        }

        foreach (IGrouping<string, BenchResult> group in results.GroupBy(r => r.Group))
        {
            BenchResult baseline = group.First(r => r.IsBaseline);
            if (!json)
            {
                output.WriteLine();
                output.WriteLine(Invariant($"{group.Key,-30} {"median",10} {"ratio",8} {"p10-p90",13} {"pairs",6} {"ops/s",12} {"alloc/op",10}"));
            }

            foreach (BenchResult r in group)
            {
                double ratioOfMedians = r.MedianNanoseconds / baseline.MedianNanoseconds;
                double ratio = r.Paired?.Median ?? ratioOfMedians;
                if (json)
                {
                    var line = new JsonObject
                    {
                        ["group"] = r.Group,
                        ["name"] = r.Name,
                        ["transport"] = r.Transport.ToString().ToLowerInvariant(),
                        ["payloadBytes"] = r.PayloadSize,
                        ["baseline"] = baseline.Name,
                        ["isBaseline"] = r.IsBaseline,
                        ["isDerived"] = r.IsDerived,
                        ["medianNs"] = Math.Round(r.MedianNanoseconds, 1),
                        ["minNs"] = Math.Round(r.MinNanoseconds, 1),
                        ["maxNs"] = Math.Round(r.MaxNanoseconds, 1),
                        ["ratio"] = Math.Round(ratio, 3),
                        ["ratioMethod"] = r.Paired is null ? "medians" : "paired",
                        ["ratioP10"] = r.Paired is null ? null : Math.Round(r.Paired.P10, 3),
                        ["ratioP90"] = r.Paired is null ? null : Math.Round(r.Paired.P90, 3),
                        ["pairs"] = r.Paired?.Pairs,
                        ["ratioOfMedians"] = Math.Round(ratioOfMedians, 3),
                        ["opsPerSecond"] = r.IsDerived ? null : Math.Round(r.OperationsPerSecond),
                        ["allocatedBytesPerOp"] = r.IsDerived ? null : Math.Round(r.AllocatedBytesPerOperation, 1),
                        ["operations"] = r.Operations,
                    };
                    output.WriteLine(line.ToJsonString(CliJson.Lines));
                }
                else
                {
                    bool sameName = group.Count(other => other.Name == r.Name) > 1;
                    string name = "  " + r.Name + (sameName ? Invariant($" {r.PayloadSize} B") : string.Empty) + (r.IsBaseline ? " (baseline)" : string.Empty);
                    string spread = r.Paired is null ? string.Empty : Invariant($"{r.Paired.P10:0.00}-{r.Paired.P90:0.00}");
                    string pairs = r.Paired is null ? string.Empty : r.Paired.Pairs.ToString(CultureInfo.InvariantCulture);
                    output.WriteLine(r.IsDerived
                        ? Invariant($"{name,-30} {FormatTime(r.MedianNanoseconds),10} {ratio,8:0.00} {spread,13} {pairs,6}   (derived: (6144 B echo - 24 B echo) / {BenchRunner.ExtraFragments} per round, over the baseline)")
                        : Invariant($"{name,-30} {FormatTime(r.MedianNanoseconds),10} {ratio,8:0.00} {spread,13} {pairs,6} {r.OperationsPerSecond,12:N0} {r.AllocatedBytesPerOperation,8:0.#} B"));
                }
            }
        }
    }

    private static string FormatTime(double nanoseconds) => nanoseconds switch
    {
        < 1_000 => Invariant($"{nanoseconds:0} ns"),
        < 1_000_000 => Invariant($"{nanoseconds / 1_000:0.00} us"),
        _ => Invariant($"{nanoseconds / 1_000_000:0.00} ms"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
