using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Support;

/// <summary>A fake clock that reports every timer armed (created or changed to a due time), so a test advances time only
/// once the code under test waits on it.</summary>
internal sealed class TimerWatchingTime : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();
    private long _advanceAfterNextReadTicks;

    /// <summary>Gets or sets how much earlier than asked every timer fires (as a system timer on a coarse tick can); zero by default.</summary>
    /// <remarks>A due time not longer than this fires when asked. The due times reported stay the ones asked for.</remarks>
    public TimeSpan FireEarlyBy { get; set; }

    /// <summary>Moves the clock on by <paramref name="delta"/> right after the next reading of the timestamp, as a thread
    /// preempted between two readings of the clock sees it.</summary>
    public void AdvanceAfterNextRead(TimeSpan delta) => Interlocked.Exchange(ref _advanceAfterNextReadTicks, delta.Ticks);

    public override long GetTimestamp()
    {
        long timestamp = base.GetTimestamp();
        long advance = Interlocked.Exchange(ref _advanceAfterNextReadTicks, 0);
        if (advance != 0)
        {
            Advance(TimeSpan.FromTicks(advance));
        }

        return timestamp;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, Early(dueTime), period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _created.Writer.TryWrite(dueTime);
        }

        return new WatchedTimer(this, timer, _created.Writer);
    }

    private TimeSpan Early(TimeSpan dueTime) => dueTime != Timeout.InfiniteTimeSpan && dueTime > FireEarlyBy ? dueTime - FireEarlyBy : dueTime;

    /// <summary>Forgets the timers armed so far.</summary>
    public void ClearCreated()
    {
        while (_created.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Takes the next due time armed so far, if any.</summary>
    public bool TryTakeCreated(out TimeSpan dueTime) => _created.Reader.TryRead(out dueTime);

    /// <summary>Waits until a timer is armed with this due time.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        while (await _created.Reader.ReadAsync(TestContext.Current.CancellationToken) != dueTime)
        {
        }
    }

    private sealed class WatchedTimer(TimerWatchingTime time, ITimer inner, ChannelWriter<TimeSpan> armed) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(time.Early(dueTime), period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                armed.TryWrite(dueTime);
            }

            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
