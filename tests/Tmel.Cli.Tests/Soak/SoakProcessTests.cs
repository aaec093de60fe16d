using Tmel.Cli.Commands;
using Tmel.Cli.Soak;
using Tmel.Cli.Tests.Commands;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Soak;

/// <summary>
/// The soak against the simulator in its own process, on the real clock: a <c>tmel simulator --soak-echo</c> child the soak owns,
/// killed with SIGKILL and started again on the same directory three times during the traffic, with payload faults on the
/// client's mailbox. Bounded: the run stops after the third kill's recovery, or after its 3-minute duration at the latest (then
/// the kill count fails the test); the soak stops its child and removes its directory itself. And the soak attached to a
/// simulator the test started (<c>--connect</c>), stopped and removed by the test.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SoakProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_SimulatorProcessKilledThreeTimes_NothingLostDuplicatedHungOrUnexplained_EveryKillRecovered()
    {
        var settings = new SoakSettings
        {
            SimulatorProcess = true,
            KillSimulatorEvery = TimeSpan.FromMilliseconds(500),
            SimulatorKills = 3,
            Duration = TimeSpan.FromMinutes(3),
            Seed = 18,
            FaultRate = 0,
            FaultSide = SoakFaultSide.Client,
            KindRates = new Dictionary<QmpFaultKind, double> { [QmpFaultKind.DelayedRing] = 0.005, [QmpFaultKind.CorruptedPayload] = 0.005 },
        };

        SoakResult result = await new SoakRunner(settings, TimeProvider.System, TextWriter.Null).RunAsync(Ct);

        SoakTotals totals = result.Totals;
        SoakKillFigures kills = Assert.IsType<SoakKillFigures>(result.Kills);
        Assert.Equal(3, kills.Kills);
        Assert.Equal(0, kills.Unrecovered);
        Assert.Equal(3, kills.Recoveries.Count);
        Assert.Equal(3, kills.Restarts.Count);
        Assert.Equal(0, totals.Lost);
        Assert.Equal(0, totals.Duplicated);
        Assert.Equal(0, totals.Hung);
        Assert.Equal(0, totals.CorruptedUnexplained);
        Assert.Equal(0, totals.Unidentified);
        Assert.DoesNotContain(totals.Failures.Keys, k => k.Contains("untyped", StringComparison.Ordinal));
        Assert.True(totals.RoundTrips > 0);
        Assert.True(totals.Faults[QmpFaultKind.CorruptedPayload] > 0);
        Assert.True(result.Passed);
    }

    [Fact]
    public async Task RunAsync_ConnectedToARunningSimulatorWithSoakEcho_NothingLostDuplicatedHungOrUnexplained()
    {
        string directory = Path.Combine(Path.GetTempPath(), "tmel-soak-connect-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using SimulatorProcess simulator = await SimulatorProcess.StartAsync(["--dir", directory, "--soak-echo", "2"], TimeSpan.FromSeconds(30), TimeProvider.System, Ct);
            // The simulator's own QMP timeouts (1 s, 5 s) on the client too: a loaded machine then seldom resets the channel,
            // and a reset fails its messages typed (counted, not asserted away).
            var settings = new SoakSettings
            {
                ConnectDirectory = directory,
                Messages = 600,
                Services = 2,
                FaultRate = 0,
                FaultSide = SoakFaultSide.Client,
                Seed = 4,
                FragmentTimeout = TimeSpan.FromSeconds(1),
                ConsumeTimeout = TimeSpan.FromSeconds(5),
            };

            SoakResult result = await new SoakRunner(settings, TimeProvider.System, TextWriter.Null).RunAsync(Ct);

            SoakTotals totals = result.Totals;
            Assert.Null(result.Kills);
            Assert.Equal(600, totals.Attempted);
            Assert.True(totals.RoundTrips > 0);
            Assert.Equal(0, totals.Lost);
            Assert.Equal(0, totals.Duplicated);
            Assert.Equal(0, totals.Hung);
            Assert.Equal(0, totals.CorruptedUnexplained + totals.CorruptedByInjection);
            Assert.Equal(0, totals.Unidentified);
            Assert.True(result.Passed);
            Assert.Equal(0, await simulator.StopAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
