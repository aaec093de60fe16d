using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>Disposing a link ends every send, also one posted while another thread was running the actor (a qmp-link fuzz finding).</summary>
public class QmpLinkDisposeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisposeAsync_SendPostedInTheSameTurn_FailsTheSendWithLinkDown()
    {
        (QmpInMemoryMailbox localBox, _) = QmpInMemoryMailbox.CreatePair();
        using var inTurn = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int writes = 0;

        // The local side's first write (its link level, in the start turn) holds the actor on the starting thread.
        var link = new QmpLink(localBox, QmpRole.Local, null, new FakeTimeProvider(), mailboxTrace: _ =>
        {
            if (Interlocked.Increment(ref writes) == 1)
            {
                inTurn.Set();
                release.Wait(Ct);
            }
        });
        Task starting = Task.Run(() => link.Start(new Support.RecordingLinkHandler()), Ct);
        inTurn.Wait(Ct);

        // Both only leave their flag: the actor is busy, so its next turn takes the send and the dispose together.
        Task sending = link.SendAsync(new byte[] { 1, 2, 3 }, 7, Ct).AsTask();
        Task disposing = link.DisposeAsync().AsTask();
        release.Set();
        await starting;

        var ex = await Assert.ThrowsAsync<RpmsgException>(() => sending.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(RpmsgError.LinkDown, ex.Error);
        Assert.Contains("not sent", ex.Message, StringComparison.Ordinal);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(QmpLinkState.LinkDisconnected, link.State);
    }
}
