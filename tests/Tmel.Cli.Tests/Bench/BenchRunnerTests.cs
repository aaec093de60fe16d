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

        Assert.Equal(BenchRunner.DefaultGroups.Sum(g => g.Scenarios.Length), results.Count);
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
        Assert.Contains(results, r => r.Transport == BenchTransport.Qmp && r.Name == "qmp echo" && r.PayloadSize == 6144);
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
