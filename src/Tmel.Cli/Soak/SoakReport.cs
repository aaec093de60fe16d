using System.Globalization;
using System.Text.Json.Nodes;
using Tmel.Cli.Commands;

namespace Tmel.Cli.Soak;

/// <summary>Writes a soak's result as text or as one JSON object.</summary>
internal static class SoakReport
{
    public static async Task WriteAsync(TextWriter output, SoakResult result, bool json)
    {
        await output.WriteLineAsync(json ? ToJson(result).ToJsonString(CliJson.Lines) : ToText(result)).ConfigureAwait(false);
    }

    public static JsonObject ToJson(SoakResult result)
    {
        SoakTotals t = result.Totals;
        var json = new JsonObject
        {
            ["passed"] = result.Passed,
            ["simulator"] = Simulator(result.Settings),
            ["seed"] = result.Settings.Seed,
            ["faultRate"] = result.Settings.FaultRate,
            ["faultSide"] = FaultSide(result.Settings),
            ["elapsedSeconds"] = Math.Round(result.Elapsed.TotalSeconds, 3),
            ["attempted"] = t.Attempted,
            ["confirmed"] = t.Confirmed,
            ["roundTrips"] = t.RoundTrips,
            ["failed"] = t.Failed,
            ["failedByKind"] = new JsonObject([.. t.Failures.Select(f => KeyValuePair.Create<string, JsonNode?>(f.Key, f.Value))]),
            ["lost"] = t.Lost,
            ["duplicated"] = t.Duplicated,
            ["corruptedByInjection"] = t.CorruptedByInjection,
            ["corruptedUnexplained"] = t.CorruptedUnexplained,
            ["hung"] = t.Hung,
            ["unidentified"] = t.Unidentified,
            ["faultsInjected"] = t.FaultsInjected,
            ["faultsByKind"] = new JsonObject([.. t.Faults.Select(f => KeyValuePair.Create<string, JsonNode?>(f.Key.ToString(), f.Value))]),
            ["protocolErrors"] = result.ProtocolErrors,
            ["findings"] = new JsonArray([.. result.Findings.Select(f => JsonValue.Create(f))]),
            ["latencyMs"] = new JsonObject
            {
                ["p50"] = Ms(result.Latency.Percentile(0.50)),
                ["p99"] = Ms(result.Latency.Percentile(0.99)),
                ["max"] = Ms(result.Latency.Max),
            },
            ["memoryBytes"] = new JsonObject { ["start"] = result.MemoryStart, ["end"] = result.MemoryEnd },
        };
        if (result.Kills is { } kills)
        {
            json["simulatorKills"] = kills.Kills;
            json["unrecoveredKills"] = kills.Unrecovered;
            json["recoveryMs"] = new JsonObject
            {
                ["p50"] = Ms(SoakKillFigures.Median(kills.Recoveries)),
                ["max"] = Ms(SoakKillFigures.Max(kills.Recoveries)),
            };
            json["simulatorStartMs"] = new JsonObject
            {
                ["p50"] = Ms(SoakKillFigures.Median(kills.Restarts)),
                ["max"] = Ms(SoakKillFigures.Max(kills.Restarts)),
            };
        }

        return json;
    }

    /// <summary>Where the simulator ran: "in-memory", "process" (owned), or "connect".</summary>
    private static string Simulator(SoakSettings settings) =>
        settings.InMemory ? "in-memory" : settings.ConnectDirectory is null ? "process" : "connect";

    /// <summary>The mailboxes faults were injected on: a simulator in another process is never injected from here.</summary>
    private static string FaultSide(SoakSettings settings) =>
        settings.InMemory ? settings.FaultSide.ToString().ToLowerInvariant() : "client";

    public static string ToText(SoakResult result)
    {
        SoakTotals t = result.Totals;
        var text = new System.Text.StringBuilder();
        void Line(string s) => text.AppendLine(s);
        Line(string.Create(CultureInfo.InvariantCulture, $"soak {(result.Passed ? "passed" : "FAILED")}: seed {result.Settings.Seed}, fault rate {result.Settings.FaultRate} on {FaultSide(result.Settings)}, simulator {Simulator(result.Settings)}, {result.Elapsed.TotalSeconds:F1} s"));
        Line($"  attempted            {t.Attempted}");
        Line($"  confirmed            {t.Confirmed}   (send completed: the peer consumed it)");
        Line($"  round trips          {t.RoundTrips}");
        Line($"  failed (typed)       {t.Failed}");
        foreach ((string kind, long count) in t.Failures)
        {
            Line($"    {kind,-52} {count}");
        }

        Line($"  lost                 {t.Lost}   (confirmed but never delivered)");
        Line($"  duplicated           {t.Duplicated}");
        Line($"  corrupted            {t.CorruptedByInjection + t.CorruptedUnexplained}: {t.CorruptedByInjection} by injected payload faults (QMP has no checksum: delivered as they are), {t.CorruptedUnexplained} unexplained");
        Line($"  hung                 {t.Hung}   (a call past its own bound)");
        Line($"  unidentified         {t.Unidentified}   (delivered, matching no message sent)");
        Line($"  faults injected      {t.FaultsInjected}");
        foreach ((var kind, long count) in t.Faults)
        {
            Line($"    {kind,-52} {count}");
        }

        Line($"  protocol errors      {result.ProtocolErrors}   (counted and dropped by the links{(result.Settings.InMemory ? string.Empty : "; the client's only")})");
        if (result.Kills is { } kills)
        {
            Line(string.Create(CultureInfo.InvariantCulture, $"  simulator kills      {kills.Kills} (SIGKILL, then a new simulator on the same directory), {kills.Unrecovered} not recovered"));
            Line(string.Create(CultureInfo.InvariantCulture, $"  recovery             kill to the first echo after it: p50 {Ms(SoakKillFigures.Median(kills.Recoveries))} ms, max {Ms(SoakKillFigures.Max(kills.Recoveries))} ms; new simulator to serving: p50 {Ms(SoakKillFigures.Median(kills.Restarts))} ms, max {Ms(SoakKillFigures.Max(kills.Restarts))} ms"));
        }

        Line(string.Create(CultureInfo.InvariantCulture, $"  latency              p50 {Ms(result.Latency.Percentile(0.5))} ms, p99 {Ms(result.Latency.Percentile(0.99))} ms, max {Ms(result.Latency.Max)} ms"));
        Line(string.Create(CultureInfo.InvariantCulture, $"  memory               {result.MemoryStart / 1024.0 / 1024:F1} MiB at start, {result.MemoryEnd / 1024.0 / 1024:F1} MiB at end"));
        foreach (string finding in result.Findings)
        {
            Line($"  finding: {finding}");
        }

        return text.ToString().TrimEnd();
    }

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);
}
