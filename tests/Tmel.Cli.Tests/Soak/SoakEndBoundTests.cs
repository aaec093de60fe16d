using Tmel.Cli.Soak;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Soak;

/// <summary>What ends a soak's exchanges: each send's own bound by its size, and the end bound that settles what is still open as hung.</summary>
public sealed class SoakEndBoundTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(24, 1)]
    [InlineData(25, 2)]
    [InlineData(6144, 256)]
    public void SendBoundFor_IsTheTransmitWaitTwoFragmentPeriodsPerFragmentAndTheConsumption(int size, int fragments)
    {
        var settings = new SoakSettings
        {
            TxTimeout = TimeSpan.FromSeconds(2),
            FragmentTimeout = TimeSpan.FromMilliseconds(500),
            ConsumeTimeout = TimeSpan.FromSeconds(2),
        };

        Assert.Equal(TimeSpan.FromSeconds(4) + (fragments * TimeSpan.FromSeconds(1)), settings.SendBoundFor(size));
        Assert.Equal(settings.SendBoundFor(QmpMailboxLayout.MaxMessageSize), settings.SendBound);
    }

    [Fact]
    public void HangOpen_SettlesEveryOpenMessageAsHung_AndTheFindingsNameThem()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        SoakEntry done = ledger.Register(1, 0, 10);
        done.RequestConfirmed = true;
        done.AddDelivered();
        done.Settle(1);
        SoakEntry open = ledger.Register(2, 3, 1);
        open.RequestConfirmed = true;
        Task waiting = open.Settled;

        Assert.Equal([open], ledger.OpenEntries());
        Assert.Equal(1, ledger.HangOpen());

        Assert.True(waiting.IsCompleted);
        Assert.True(open.Hung);
        Assert.False(done.Hung);
        Assert.Empty(ledger.OpenEntries());
        Assert.Equal(0, ledger.HangOpen());
        ledger.Sweep(TimeSpan.Zero, all: true);
        Assert.Equal(1, ledger.Totals(new Dictionary<QmpFaultKind, long>()).Hung);
        Assert.Contains("hung: seq 2 client 3 size 1: request confirmed, delivered 0, reply pending, received 0", ledger.Findings());
    }
}
