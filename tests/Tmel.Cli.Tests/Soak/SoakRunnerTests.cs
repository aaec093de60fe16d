using Tmel.Cli.Soak;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Soak;

/// <summary>Small soaks through the whole stack on the real clock: the ledger's zeros under faults, and no failure without them.</summary>
public sealed class SoakRunnerTests
{
    /// <summary>The kinds that never cost a message: every other kind makes the link reset or drop a fragment, which fails the
    /// messages in flight with typed errors by design.</summary>
    internal static readonly QmpFaultKind[] SafeKinds = [QmpFaultKind.DuplicatedRing, QmpFaultKind.DelayedRing, QmpFaultKind.CorruptedPayload];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The protocol timeouts of the tests that expect every message to complete (as the CI soak uses): the soak's own defaults
    /// (20 ms, 50 ms) make faults cheap, but on a loaded 2-core machine a 50 ms wait for rx_done can run out with no fault at
    /// all, and the message then fails, typed, as "may have been delivered".
    /// </summary>
    private static class CompletesTimeouts
    {
        public static readonly TimeSpan Fragment = TimeSpan.FromMilliseconds(500);
        public static readonly TimeSpan Consume = TimeSpan.FromSeconds(2);
    }

    [Fact]
    public async Task RunAsync_FixedSeedUnderFaults_NothingLostDuplicatedHungOrUnexplained_EveryKindInjected()
    {
        var settings = new SoakSettings
        {
            Messages = 3000,
            Seed = 15,
            FaultRate = 0,
            FragmentTimeout = CompletesTimeouts.Fragment,
            ConsumeTimeout = CompletesTimeouts.Consume,
            KindRates = new Dictionary<QmpFaultKind, double>
            {
                [QmpFaultKind.DuplicatedRing] = 0.01,
                [QmpFaultKind.DelayedRing] = 0.01,
                [QmpFaultKind.CorruptedPayload] = 0.01,
            },
        };

        SoakResult result = await new SoakRunner(settings, TimeProvider.System, TextWriter.Null).RunAsync(Ct);

        SoakTotals totals = result.Totals;
        Assert.Equal(3000, totals.Attempted);
        Assert.Equal(0, totals.Lost);
        Assert.Equal(0, totals.Duplicated);
        Assert.Equal(0, totals.CorruptedUnexplained);
        Assert.Equal(0, totals.Hung);
        Assert.Equal(0, totals.Unidentified);
        Assert.DoesNotContain(totals.Failures.Keys, k => k.Contains("untyped", StringComparison.Ordinal));
        Assert.True(totals.Passed);
        Assert.All(SafeKinds, kind => Assert.True(totals.Faults[kind] > 0, $"no {kind} was injected"));
        Assert.True(totals.CorruptedByInjection > 0);
        Assert.Equal(3000, totals.RoundTrips);
    }

    [Fact]
    public async Task RunAsync_EveryFaultKind_NothingLostDuplicatedHungOrUnexplained()
    {
        var settings = new SoakSettings { Messages = 3000, Seed = 15, FaultRate = 0.002 };

        SoakResult result = await new SoakRunner(settings, TimeProvider.System, TextWriter.Null).RunAsync(Ct);

        Assert.True(result.Totals.Passed, SoakReport.ToText(result));
        Assert.All(Enum.GetValues<QmpFaultKind>(), kind => Assert.True(result.Totals.Faults[kind] > 0, $"no {kind} was injected"));
    }

    [Fact]
    public async Task RunAsync_FaultsDisabled_EveryMessageMakesTheRoundTrip()
    {
        var settings = new SoakSettings { Messages = 1500, Seed = 3, FaultRate = 0, FragmentTimeout = CompletesTimeouts.Fragment, ConsumeTimeout = CompletesTimeouts.Consume };

        SoakResult result = await new SoakRunner(settings, TimeProvider.System, TextWriter.Null).RunAsync(Ct);

        Assert.Equal(1500, result.Totals.Attempted);
        Assert.Equal(1500, result.Totals.Confirmed);
        Assert.Equal(1500, result.Totals.RoundTrips);
        Assert.Equal(0, result.Totals.Failed);
        Assert.Equal(0, result.Totals.FaultsInjected);
        Assert.Equal(0, result.Totals.CorruptedByInjection);
        Assert.True(result.Totals.Passed);
        Assert.Equal(1500, result.Latency.Count);
    }

    [Fact]
    public void SoakPayload_CarriesItsSequenceAndChecksum_AndAByteChangeBreaksTheChecksum()
    {
        byte[] payload = SoakPayload.Build(123456, 100);
        Assert.Equal(123456, SoakPayload.ClaimedSequence(payload));
        Assert.True(SoakPayload.ChecksumMatches(payload));
        payload[50] ^= 0x20;
        Assert.False(SoakPayload.ChecksumMatches(payload));
        Assert.Equal(SoakPayload.Build(7, 3), SoakPayload.Build(7, 8)[..3]);
    }

    [Fact]
    public void CorruptionRecords_ExplainOnlyRecordedBytes()
    {
        var records = new SoakCorruptionRecords();
        byte[] expected = SoakPayload.Build(9, 64);
        byte[] actual = (byte[])expected.Clone();
        actual[30] ^= 0x41;
        Assert.False(records.Explains(expected, actual));

        records.Add(new QmpInjectedFault(QmpFaultKind.CorruptedPayload, 0, 30, 0x41));
        Assert.True(records.Explains(expected, actual));

        actual[31] ^= 0x01;
        Assert.False(records.Explains(expected, actual));
    }
}
