using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tmel.Cli.Commands;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Commands;

/// <summary>The demo's own timeout, by the host's (fake) clock: a TME-L that never answers ends the demo with an error step.</summary>
[Collection(DemoCollection.Name)]
public class DemoRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_PeerNeverAnswers_TimeoutEndsTheDemo_WithAnErrorStepAndExitCode1()
    {
        var time = new ArmedTimersTime();
        var output = new StringWriter { NewLine = "\n" };
        var runner = new DemoRunner(new DemoSettings(Json: true, MailboxTracePath: null, TimeSpan.FromSeconds(3), []), output, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));

            // The link's mailbox is a window nobody answers on (the simulator runs on another one).
            builder.Services.Replace(ServiceDescriptor.Singleton<IQmpMailbox>(QmpInMemoryMailbox.CreatePair().Local));
        });

        Task<int> run = runner.RunAsync(Ct);
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(1, await run);
        List<JsonElement> lines = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        JsonElement error = Assert.Single(lines, l => l.GetProperty("type").GetString() == "error");
        Assert.Equal("run", error.GetProperty("step").GetString());
        string message = error.GetProperty("message").GetString()!;
        Assert.True(
            message == "the demo did not finish within 3 s" || message == "No device for channel 'tmel-echo' appeared within 3000 ms.",
            message);
        Assert.DoesNotContain(lines, l => l.GetProperty("type").GetString() == "request");
        Assert.True(Assert.Single(lines, l => l.GetProperty("type").GetString() == "shutdown").GetProperty("ok").GetBoolean());
        JsonElement result = lines[^1];
        Assert.Equal("result", result.GetProperty("type").GetString());
        Assert.False(result.GetProperty("ok").GetBoolean());
    }

    /// <summary>A fake clock that tells when a timer was armed, so the test advances only once the code under test waits.</summary>
    private sealed class ArmedTimersTime : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _armed.Writer.TryWrite(dueTime);
            }

            return timer;
        }

        public async Task WaitForTimerAsync(TimeSpan dueTime)
        {
            while (await _armed.Reader.ReadAsync(Ct) != dueTime)
            {
            }
        }
    }
}
