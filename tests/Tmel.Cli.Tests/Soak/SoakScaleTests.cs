using Tmel.Cli.Soak;

namespace Tmel.Cli.Tests.Soak;

/// <summary>Runs alone: the heap is process-wide, so no other test may allocate while the scale test measures it.</summary>
[CollectionDefinition(nameof(HeapMeasurements), DisableParallelization = true)]
public sealed class HeapMeasurements;

/// <summary>10,000 endpoints held open, 1,000 concurrent requesters on 100 services, over one QMP link: no error, flat heap.</summary>
[Collection(nameof(HeapMeasurements))]
public sealed class SoakScaleTests
{
    [Fact]
    public async Task RunAsync_TenThousandEndpoints_ThousandRequesters_HundredServices_NoErrorAndFlatMemory()
    {
        SoakScale.Result result = await SoakScale.RunAsync(endpoints: 10_000, requesters: 1_000, services: 100, rounds: 5, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.Errors);
        Assert.Equal(5_000, result.RoundTrips);

        // Rounds 2 to 5 reuse what round 1 allocated: the heap may move by pooling noise, not by what the rounds carried.
        long growth = result.MemoryAfterLastRound - result.MemoryAfterFirstRound;
        Assert.True(growth < 2 * 1024 * 1024, $"the heap grew by {growth} bytes from round 1 to round 5");
    }
}
