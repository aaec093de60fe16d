namespace Tmel.Cli.Bench;

/// <summary>One measured operation (a round trip, or one message one way), set up once and run in batches.</summary>
internal abstract class BenchScenario : IAsyncDisposable
{
    /// <summary>Gets the name printed for this measurement.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the transport the scenario runs over.</summary>
    public abstract BenchTransport Transport { get; }

    /// <summary>Gets the payload size in bytes.</summary>
    public abstract int PayloadSize { get; }

    public abstract Task SetupAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="operations"/> operations one after another.</summary>
    /// <remarks>The operations themselves get <see cref="CancellationToken.None"/>: a cancelable token costs a registration per
    /// wait, which would be measured as the transport's. The runner checks <paramref name="cancellationToken"/> between batches.</remarks>
    public abstract Task RunAsync(int operations, CancellationToken cancellationToken);

    /// <summary>Runs a batch as <see cref="RunAsync"/> does, but gives up on it after <see cref="BenchRunner.BatchBound"/>.</summary>
    /// <exception cref="TimeoutException">The batch did not finish in time: the transport stalled (a lost message or doorbell).</exception>
    public async Task RunBoundedAsync(int operations, TimeProvider clock, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(operations, cancellationToken).WaitAsync(BenchRunner.BatchBound, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{Name} ({Transport}, {PayloadSize} B): a batch of {operations} operations did not finish within {BenchRunner.BatchBound.TotalSeconds:0} s; the transport stalled.", ex);
        }
    }

    public abstract ValueTask DisposeAsync();
}
