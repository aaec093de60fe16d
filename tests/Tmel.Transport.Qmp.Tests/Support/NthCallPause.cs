namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>Blocks the thread of the Nth call of <see cref="OnCall"/> after <see cref="Arm"/> until <see cref="Release"/> (at most 30 s).</summary>
internal sealed class NthCallPause(int pauseAt) : IDisposable
{
    private readonly ManualResetEventSlim _released = new();
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls = -1;

    /// <summary>Gets a task that completes when the Nth call pauses.</summary>
    public Task Paused => _paused.Task;

    /// <summary>Starts counting calls.</summary>
    public void Arm() => Interlocked.Exchange(ref _calls, 0);

    /// <summary>Lets the paused call return.</summary>
    public void Release() => _released.Set();

    /// <summary>Counts a call once armed; the Nth blocks until <see cref="Release"/>.</summary>
    public void OnCall()
    {
        if (Volatile.Read(ref _calls) >= 0 && Interlocked.Increment(ref _calls) == pauseAt)
        {
            _paused.TrySetResult();
            _released.Wait(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _released.Set();
        _released.Dispose();
    }
}
