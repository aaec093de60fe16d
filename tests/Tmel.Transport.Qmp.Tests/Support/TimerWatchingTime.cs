using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>A fake clock that reports every timer created, so a test advances time only once the code under test waits on it.</summary>
internal sealed class TimerWatchingTime : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Forgets the timers created so far.</summary>
    public void ClearCreated()
    {
        while (_created.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Waits until a timer with this due time is created.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        while (await _created.Reader.ReadAsync(TestContext.Current.CancellationToken) != dueTime)
        {
        }
    }
}
