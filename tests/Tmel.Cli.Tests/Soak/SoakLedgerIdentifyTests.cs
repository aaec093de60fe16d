using Tmel.Cli.Soak;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Soak;

/// <summary>How the ledger tells which message a delivered copy is, when a fault may have changed its bytes.</summary>
public sealed class SoakLedgerIdentifyTests
{
    private const int Client = 2;

    [Fact]
    public void Identify_ExactCopyOfTheOpenMessage_IsThatMessage()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        SoakEntry earlier = Settled(ledger, 10, 1);
        SoakEntry open = ledger.Register(18, Client, 1);

        Assert.Same(open, ledger.Identify(Client, SoakPayload.Build(18, 1)));
        Assert.NotSame(earlier, open);
    }

    [Fact]
    public void Identify_CorruptedOneByteCopyThatEqualsAnEarlierMessage_IsTheOpenMessageWhenARecordedFaultExplainsIt()
    {
        // The CI soak's hang: a one-byte request, corrupted into the byte of the same client's earlier one-byte message, was
        // taken for that message (counted duplicated), and the open one never settled.
        var records = new SoakCorruptionRecords();
        var ledger = new SoakLedger(TimeProvider.System, records);
        SoakEntry earlier = Settled(ledger, 10, 1);
        SoakEntry open = ledger.Register(18, Client, 1);
        byte[] delivered = SoakPayload.Build(10, 1);
        records.Add(new QmpInjectedFault(QmpFaultKind.CorruptedPayload, 0, 0, (byte)(SoakPayload.Build(18, 1)[0] ^ delivered[0])));

        SoakEntry? identified = ledger.Identify(Client, delivered);

        Assert.Same(open, identified);
        Assert.False(ledger.Check(open, delivered));
        Assert.True(open.CorruptedExplained);
        Assert.Equal(1, earlier.Delivered);
    }

    [Fact]
    public void Identify_ExactCopyOfASettledMessage_NoFaultExplainsTheOpenOne_IsTheSettledMessage()
    {
        // A late second copy of an earlier message is still found (and counted duplicated) when no fault accounts for it.
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        SoakEntry earlier = Settled(ledger, 10, 1);
        _ = ledger.Register(18, Client, 1);

        Assert.Same(earlier, ledger.Identify(Client, SoakPayload.Build(10, 1)));
    }

    [Fact]
    public void Identify_CorruptedCopyOfALongOpenMessage_IsThatMessageEvenWithItsNumberCorrupted()
    {
        var records = new SoakCorruptionRecords();
        var ledger = new SoakLedger(TimeProvider.System, records);
        _ = Settled(ledger, 10, 300);
        SoakEntry open = ledger.Register(18, Client, 300);
        byte[] delivered = SoakPayload.Build(18, 300);
        delivered[0] ^= 0x18;
        records.Add(new QmpInjectedFault(QmpFaultKind.CorruptedPayload, 0, 0, 0x18));

        Assert.Equal(10, SoakPayload.ClaimedSequence(delivered));
        Assert.Same(open, ledger.Identify(Client, delivered));
    }

    [Fact]
    public void Identify_CopyOfNoMessageOfThatSize_IsNoneAndCountedUnidentified()
    {
        var ledger = new SoakLedger(TimeProvider.System, new SoakCorruptionRecords());
        _ = ledger.Register(18, Client, 1);

        Assert.Null(ledger.Identify(Client, SoakPayload.Build(18, 2)));
        Assert.Equal(1, ledger.Totals(new Dictionary<QmpFaultKind, long>()).Unidentified);
    }

    private static SoakEntry Settled(SoakLedger ledger, long seq, int size)
    {
        SoakEntry entry = ledger.Register(seq, Client, size);
        entry.RequestConfirmed = true;
        entry.AddDelivered();
        entry.ReplyConfirmed = true;
        entry.AddReceived();
        entry.Settle(1);
        return entry;
    }
}
