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
        SoakScale.Result result = await SoakScale.RunAsync(endpoints: 10_000, requesters: 1_000, services: 100, rounds: 15, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.Errors);
        Assert.Equal(15_000, result.RoundTrips);

        // Rounds 1 to 10 use every endpoint once; rounds 11 to 15 reuse them: the heap may move by pooling noise, not by what they carried.
        long growth = result.MemoryAfterLastRound - result.MemoryAfterFirstRound;
        Assert.True(growth < 2 * 1024 * 1024, $"the heap grew by {growth} bytes from round 10 to round 15");
    }
}
