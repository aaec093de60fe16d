namespace Rpmsg.Core.Tests.Support;

/// <summary>
/// A receive callback that holds the bus's delivery sequence until released, so tests can fill transmit queues
/// deterministically: while it blocks, no frame after the current one is taken from the transport.
/// </summary>
internal sealed class BlockingCallback : IDisposable
{
    private readonly ManualResetEventSlim _release = new(false);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public RpmsgEndpointOptions Options => new() { Callback = OnMessage };

    public Task Entered => _entered.Task;

    public int Calls => Volatile.Read(ref _calls);

    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }

    private void OnMessage(RpmsgEndpoint endpoint, ReadOnlySpan<byte> payload, RpmsgAddress source)
    {
        Interlocked.Increment(ref _calls);
        _entered.TrySetResult();
        _release.Wait(TestContext.Current.CancellationToken);
    }
}
