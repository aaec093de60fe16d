using System.Globalization;
using System.Text.Json.Nodes;

namespace Tmel.Cli.Commands.Crypto;

/// <summary>One operation's figure: the medians of its batches through the stack and direct, and the paired ratios' median and spread.</summary>
internal sealed record CryptoBenchFigure(string Operation, int Batches, double StackOpsPerSecond, double DirectOpsPerSecond, double RatioMedian, double RatioMin, double RatioMax)
{
    public JsonObject ToJson() => new()
    {
        ["operation"] = Operation,
        ["batches"] = Batches,
        ["stackOpsPerSecond"] = Math.Round(StackOpsPerSecond, 1),
        ["directOpsPerSecond"] = Math.Round(DirectOpsPerSecond, 1),
        ["ratio"] = Math.Round(RatioMedian, 2),
        ["ratioMin"] = Math.Round(RatioMin, 2),
        ["ratioMax"] = Math.Round(RatioMax, 2),
    };

    public string ToText() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Operation,-32}  stack {StackOpsPerSecond,10:N0}/s  direct {DirectOpsPerSecond,10:N0}/s  ratio {RatioMedian,6:0.0}x (median of {Batches} pairs, {RatioMin:0.0}-{RatioMax:0.0})");
}
