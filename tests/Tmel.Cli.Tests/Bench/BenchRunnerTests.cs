using System.Text.Json;
using Tmel.Cli.Bench;

namespace Tmel.Cli.Tests.Bench;

public class BenchRunnerTests
{
    private static readonly BenchSettings s_tiny = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10), MinBatches: 3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_DefaultGroups_EachGroupHasOneBaselineAndEveryScenarioRan()
    {
        var runner = new BenchRunner(s_tiny, TimeProvider.System);

        IReadOnlyList<BenchResult> results = await runner.RunAsync(BenchRunner.DefaultGroups, Ct);

        Assert.Equal(BenchRunner.DefaultGroups.Sum(g => g.Scenarios.Length) + 1, results.Count); // and the derived fragment row
        BenchResult fragment = Assert.Single(results, r => r.IsDerived);
        Assert.Equal((BenchRunner.FragmentGroup, BenchRunner.FragmentRow), (fragment.Group, fragment.Name));
        PairedRatio perFragment = Assert.IsType<PairedRatio>(fragment.Paired);
        Assert.True(perFragment.Pairs >= 3, "one derived value per round");
        Assert.True(perFragment.P10 <= perFragment.Median && perFragment.Median <= perFragment.P90, "p10 <= median <= p90");
        results = [.. results.Where(r => !r.IsDerived)];
        foreach (IGrouping<string, BenchResult> group in results.GroupBy(r => r.Group))
        {
            Assert.Single(group, r => r.IsBaseline);
            Assert.True(group.First().IsBaseline, $"{group.Key}: the baseline is measured first");
        }

        Assert.All(results, r =>
        {
            Assert.True(r.Operations >= 3, $"{r.Name}: at least MinBatches batches of at least one operation");
            Assert.True(r.MinNanoseconds <= r.MedianNanoseconds && r.MedianNanoseconds <= r.MaxNanoseconds, r.Name);
            Assert.True(r.AllocatedBytesPerOperation >= 0, r.Name);
        });
        Assert.All(results.Where(r => r.IsBaseline), r => Assert.Null(r.Paired));
        Assert.All(results.Where(r => !r.IsBaseline), r =>
        {
            PairedRatio paired = Assert.IsType<PairedRatio>(r.Paired);
            Assert.True(paired.Pairs >= 3, $"{r.Name}: at least MinBatches pairs");
            Assert.True(paired.P10 > 0 && paired.P10 <= paired.Median && paired.Median <= paired.P90, $"{r.Name}: 0 < p10 <= median <= p90");
        });
        Assert.Contains(results, r => r.Transport == BenchTransport.Qmp && r.Name == "qmp echo" && r.PayloadSize == 6144);
        Assert.Contains(results, r => r.Transport == BenchTransport.Qmp && r.Name == "qmp EchoClient+token");
        Assert.Contains(results, r => r.Transport == BenchTransport.Qmp && r.Name == "qmp one way");
    }

    [Fact]
    public void Write_Json_OneObjectPerResult_WithRatioAgainstTheGroupBaseline()
    {
        BenchResult[] results =
        [
            new("g", "base", BenchTransport.Channels, 24, 100, 90, 120, 1000, 0, IsBaseline: true),
            new("g", "qmp echo", BenchTransport.Qmp, 24, 250, 240, 300, 1000, 1.5, IsBaseline: false),
        ];
        var output = new StringWriter();

        BenchReport.Write(output, results, json: true, "quick");

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using JsonDocument candidate = JsonDocument.Parse(lines[1]);
        Assert.Equal("qmp", candidate.RootElement.GetProperty("transport").GetString());
        Assert.Equal("base", candidate.RootElement.GetProperty("baseline").GetString());
        Assert.Equal(2.5, candidate.RootElement.GetProperty("ratio").GetDouble());
        Assert.Equal(4_000_000, candidate.RootElement.GetProperty("opsPerSecond").GetDouble());
        Assert.Equal(1.5, candidate.RootElement.GetProperty("allocatedBytesPerOp").GetDouble());
    }

    [Fact]
    public void Write_Json_PairedCandidate_RatioIsThePairedMedianWithItsSpread()
    {
        BenchResult[] results =
        [
            new("g", "base", BenchTransport.Channels, 24, 100, 90, 120, 1000, 0, IsBaseline: true),
            new("g", "qmp echo", BenchTransport.Qmp, 24, 250, 240, 300, 1000, 0, IsBaseline: false, new PairedRatio(3, 2.5, 3.5, 40)),
        ];
        var output = new StringWriter();

        BenchReport.Write(output, results, json: true, "quick");

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using JsonDocument baseline = JsonDocument.Parse(lines[0]);
        using JsonDocument candidate = JsonDocument.Parse(lines[1]);
        Assert.Equal(JsonValueKind.Null, baseline.RootElement.GetProperty("ratioP10").ValueKind);
        Assert.Equal("paired", candidate.RootElement.GetProperty("ratioMethod").GetString());
        Assert.Equal(3, candidate.RootElement.GetProperty("ratio").GetDouble());
        Assert.Equal(2.5, candidate.RootElement.GetProperty("ratioP10").GetDouble());
        Assert.Equal(3.5, candidate.RootElement.GetProperty("ratioP90").GetDouble());
        Assert.Equal(40, candidate.RootElement.GetProperty("pairs").GetInt32());
        Assert.Equal(2.5, candidate.RootElement.GetProperty("ratioOfMedians").GetDouble());
    }

    [Fact]
    public void Write_Text_PairedCandidate_PrintsThePairedMedianAndSpread()
    {
        BenchResult[] results =
        [
            new("round trip 24 B", "channel ping-pong", BenchTransport.Channels, 24, 400, 400, 400, 10, 0, IsBaseline: true),
            new("round trip 24 B", "qmp echo", BenchTransport.Qmp, 24, 4_000, 4_000, 4_000, 10, 0, IsBaseline: false, new PairedRatio(9.5, 8.25, 11, 12)),
        ];
        var output = new StringWriter();

        BenchReport.Write(output, results, json: false, "quick");

        Assert.Matches(@"qmp echo\s+4\.00 us\s+9\.50\s+8\.25-11\.00\s+12\s", output.ToString());
    }

    [Fact]
    public void Write_Text_DerivedRow_PrintsItsRatioSpreadAndDefinition_WithoutOpsOrBytes()
    {
        BenchResult[] results =
        [
            new(BenchRunner.FragmentGroup, "qmp one way", BenchTransport.Qmp, 24, 500, 500, 500, 10, 0, IsBaseline: true),
            new(BenchRunner.FragmentGroup, BenchRunner.FragmentRow, BenchTransport.Qmp, 24, 110, 110, 110, 0, 0, IsBaseline: false, new PairedRatio(0.22, 0.2, 0.25, 30)) { IsDerived = true },
        ];
        var output = new StringWriter();

        BenchReport.Write(output, results, json: false, "quick");

        Assert.Matches(@"per extra fragment\s+110 ns\s+0\.22\s+0\.20-0\.25\s+30\s+\(derived: \(6144 B echo - 24 B echo\) / 510 per round", output.ToString());
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 3.0)]
    [InlineData(1.0, 5.0)]
    [InlineData(0.1, 1.4)]
    [InlineData(0.9, 4.6)]
    public void Percentile_FiveSamples_InterpolatesBetweenRanks(double fraction, double expected)
    {
        Assert.Equal(expected, BenchStatistics.Percentile([1, 2, 3, 4, 5], fraction), precision: 9);
    }

    [Fact]
    public void Summarize_UnsortedRatios_MedianAndTenthAndNinetiethPercentiles()
    {
        PairedRatio paired = BenchStatistics.Summarize([5, 1, 4, 2, 3]);

        Assert.Equal(new PairedRatio(3, 1.4, 4.6, 5), paired with { P10 = Math.Round(paired.P10, 9), P90 = Math.Round(paired.P90, 9) });
    }

    [Fact]
    public void Write_Text_PrintsRatioBesideTheBaseline()
    {
        BenchResult[] results =
        [
            new("round trip 24 B", "channel ping-pong", BenchTransport.Channels, 24, 400, 400, 400, 10, 0, IsBaseline: true),
            new("round trip 24 B", "qmp echo", BenchTransport.Qmp, 24, 4_000, 4_000, 4_000, 10, 0, IsBaseline: false),
        ];
        var output = new StringWriter();

        BenchReport.Write(output, results, json: false, "quick");

        string text = output.ToString();
        Assert.Contains("channel ping-pong (baseline)", text, StringComparison.Ordinal);
        Assert.Matches(@"qmp echo\s+4\.00 us\s+10\.00\s", text);
    }
}
