using Tmel.Cli.Soak;

namespace Tmel.Cli.Tests.Soak;

/// <summary>The soak echo service's notices, and how the ledger reads them with the simulator in another process.</summary>
public sealed class SoakNoticeTests
{
    [Fact]
    public void TryParse_BuiltNotice_GivesBackSizeDeliveryFailureAndTheDeliveredBytes()
    {
        byte[] delivered = SoakPayload.Build(4242, 300);

        byte[] notice = SoakNotice.Build(delivered, 2, "RpmsgException.LinkDown", 6144);

        Assert.True(SoakNotice.TryParse(notice, out SoakNotice parsed));
        Assert.Equal(300, parsed.Size);
        Assert.Equal(2, parsed.Delivery);
        Assert.Equal("RpmsgException.LinkDown", parsed.Failure);
        Assert.Equal(delivered, parsed.Prefix.ToArray());
    }

    [Fact]
    public void Build_MessageAsLargeAsTheMtu_CarriesAsManyOfItsBytesAsFit()
    {
        byte[] delivered = SoakPayload.Build(7, 6144);

        byte[] notice = SoakNotice.Build(delivered, 1, "x", 6144);

        Assert.Equal(6144, notice.Length);
        Assert.True(SoakNotice.TryParse(notice, out SoakNotice parsed));
        Assert.Equal(6144, parsed.Size);
        Assert.Equal(delivered.AsSpan(0, 6144 - SoakNotice.HeaderSize - 1).ToArray(), parsed.Prefix.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(6144)]
    public void TryParse_SoakMessage_IsNotANotice(int size) => Assert.False(SoakNotice.TryParse(SoakPayload.Build(123, size), out _));

    [Fact]
    public void Ledger_NoticeNamesASecondDelivery_CountsItDuplicated()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        SoakEntry entry = Confirmed(ledger, 5, 0, 40);
        byte[] notice = SoakNotice.Build(SoakPayload.Build(5, 40), 2, null, 6144);
        Assert.True(SoakNotice.TryParse(notice, out SoakNotice parsed));

        SoakEntry? noticed = ledger.Identify(0, parsed.Prefix.Span, parsed.Size);
        Assert.Same(entry, noticed);
        entry.DeliveredAtLeast(parsed.Delivery);
        entry.DeliveredAtLeast(1);
        entry.AddReceived();
        entry.ReplyConfirmed = true;
        entry.Settle(1);
        ledger.Sweep(TimeSpan.Zero, all: true);

        SoakTotals totals = ledger.Totals(new Dictionary<Tmel.Transport.Qmp.QmpFaultKind, long>());
        Assert.Equal(1, totals.Duplicated);
        Assert.Equal(0, totals.Lost);
    }

    [Fact]
    public void Ledger_ConfirmedWithNoEchoAndNoNotice_IsLost_UnlessASimulatorKillTookIt()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        Confirmed(ledger, 1, 0, 10).Settle(1);
        SoakEntry killed = Confirmed(ledger, 2, 1, 10);
        killed.Unanswered = "no reply: simulator process killed";
        killed.Settle(1);
        ledger.Sweep(TimeSpan.Zero, all: true);

        SoakTotals totals = ledger.Totals(new Dictionary<Tmel.Transport.Qmp.QmpFaultKind, long>());
        Assert.Equal(1, totals.Lost);
        Assert.Equal(1, totals.Failures["no reply: simulator process killed"]);
    }

    [Fact]
    public void Ledger_FailedEchoReportedInANotice_IsATypedReplyFailureNotALoss()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        SoakEntry entry = Confirmed(ledger, 3, 0, 3000);
        Assert.True(SoakNotice.TryParse(SoakNotice.Build(SoakPayload.Build(3, 3000), 1, "RpmsgTimeoutException.TxTimeout", 100), out SoakNotice parsed));

        Assert.Same(entry, ledger.Identify(0, parsed.Prefix.Span, parsed.Size));
        entry.DeliveredAtLeast(parsed.Delivery);
        entry.ReplyFailure = parsed.Failure;
        entry.Settle(1);
        ledger.Sweep(TimeSpan.Zero, all: true);

        SoakTotals totals = ledger.Totals(new Dictionary<Tmel.Transport.Qmp.QmpFaultKind, long>());
        Assert.Equal(0, totals.Lost);
        Assert.Equal(0, totals.Duplicated);
        Assert.Equal(1, totals.Failures["reply RpmsgTimeoutException.TxTimeout"]);
    }

    private static SoakEntry Confirmed(SoakLedger ledger, long seq, int client, int size)
    {
        SoakEntry entry = ledger.Register(seq, client, size);
        entry.RequestConfirmed = true;
        return entry;
    }
}
