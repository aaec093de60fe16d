using Microsoft.Extensions.Time.Testing;

namespace Rpmsg.Core.Tests.Support;

/// <summary>Two buses joined by a loopback link, disposed together.</summary>
internal sealed class BusPair : IAsyncDisposable
{
    public BusPair(RpmsgLoopbackOptions? loopback = null, RpmsgBusOptions? busOptions = null, TimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider();
        Link = new RpmsgLoopback(loopback, Time);
        Local = new RpmsgBus(Link.First, busOptions, Time);
        Remote = new RpmsgBus(Link.Second, busOptions, Time);
    }

    public TimeProvider Time { get; }

    public FakeTimeProvider FakeTime => (FakeTimeProvider)Time;

    public RpmsgLoopback Link { get; }

    public RpmsgBus Local { get; }

    public RpmsgBus Remote { get; }

    private readonly List<IDisposable> _releaseFirst = [];

    /// <summary>Creates a blocking callback that is released before anything is disposed, so a failed assert never hangs disposal.</summary>
    public BlockingCallback CreateBlocker()
    {
        var blocker = new BlockingCallback();
        _releaseFirst.Add(blocker);
        return blocker;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IDisposable item in _releaseFirst)
        {
            item.Dispose();
        }

        await Local.DisposeAsync();
        await Remote.DisposeAsync();
    }
}
