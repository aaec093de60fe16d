namespace Rpmsg.Core.Tests.Support;

internal static class TestWaits
{
    /// <summary>A task that completes when the token is cancelled.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task;
    }

    /// <summary>Reads the next item of a channel, bounded by the test's token.</summary>
    public static ValueTask<T> NextAsync<T>(this System.Threading.Channels.Channel<T> channel) =>
        channel.Reader.ReadAsync(TestContext.Current.CancellationToken);
}
