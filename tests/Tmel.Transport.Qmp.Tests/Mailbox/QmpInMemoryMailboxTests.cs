namespace Tmel.Transport.Qmp.Tests.Mailbox;

public class QmpInMemoryMailboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Layout_MatchesTheRfcWindow()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        Assert.Equal((0x0000, 0x1000), (local.OwnOffset, local.PeerOffset));
        Assert.Equal((0x1000, 0x0000), (remote.OwnOffset, remote.PeerOffset));
        Assert.Equal(6144, QmpMailboxLayout.MaxMessageSize);
    }

    [Fact]
    public void WriteOwn_LandsAtTheSideOffsetLittleEndian_AndThePeerReadsIt()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        // §8 row 7: descriptor 0x0018001F, 24 payload bytes at +0x04; reserved word carries src 0x0400, dst 0x0401.
        byte[] mailbox = Convert.FromHexString(
            "1F001800" +                                          // descriptor u32 LE
            "000102030405060708090A0B0C0D0E0F1011121314151617" + // payload, 24 bytes
            "00040104");                                         // reserved: src u16 LE 0x0400, dst u16 LE 0x0401
        local.WriteOwn(mailbox);

        byte[] window = local.SnapshotWindow();
        Assert.Equal(mailbox, window.AsSpan(0x0000, 32).ToArray());
        Assert.All(window.AsSpan(0x1000, 32).ToArray(), b => Assert.Equal(0, b));

        byte[] seen = new byte[32];
        remote.ReadPeer(seen);
        Assert.Equal(mailbox, seen);
    }

    [Fact]
    public void WriteOwn_WrongSize_Throws()
    {
        (QmpInMemoryMailbox local, _) = QmpInMemoryMailbox.CreatePair();
        Assert.Throws<ArgumentOutOfRangeException>(() => local.WriteOwn(new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => local.ReadPeer(new byte[31]));
    }

    [Fact]
    public async Task Doorbell_RingBeforeWait_CompletesAtOnce_AndRingsCollapse()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount: 0);
        local.RingPeerDoorbell();
        local.RingPeerDoorbell();
        ValueTask first = remote.WaitForDoorbellAsync(Ct);
        Assert.True(first.IsCompletedSuccessfully);
        await first;
        ValueTask second = remote.WaitForDoorbellAsync(Ct);
        Assert.False(second.IsCompleted);
        local.RingPeerDoorbell();
        await second;
    }

    [Fact]
    public async Task Doorbell_ParkedWaiter_WakesOnRing_ManyTimes()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        for (int i = 0; i < 1000; i++)
        {
            ValueTask wait = remote.WaitForDoorbellAsync(Ct);
            local.RingPeerDoorbell();
            await wait;
        }
    }

    [Fact]
    public async Task Doorbell_OneRingToAParkedWaiter_WakesItOnce()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount: 0);
        ValueTask parked = remote.WaitForDoorbellAsync(Ct);
        Assert.False(parked.IsCompleted);
        local.RingPeerDoorbell();
        await parked;

        ValueTask next = remote.WaitForDoorbellAsync(Ct);

        Assert.False(next.IsCompleted);                 // one doorbell write is one interrupt, never two
        local.RingPeerDoorbell();
        await next;
    }

    [Fact]
    public async Task Doorbell_Cancelled_ThrowsAndCanWaitAgain()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount: 0);
        using var cts = new CancellationTokenSource();
        ValueTask wait = remote.WaitForDoorbellAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
        ValueTask again = remote.WaitForDoorbellAsync(Ct);
        local.RingPeerDoorbell();
        await again;
    }

    [Fact]
    public async Task Doorbells_AreIndependentPerSide()
    {
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair(spinCount: 0);
        remote.RingPeerDoorbell();
        ValueTask remoteWait = remote.WaitForDoorbellAsync(Ct);
        Assert.False(remoteWait.IsCompleted);
        await local.WaitForDoorbellAsync(Ct);
        local.RingPeerDoorbell();
        await remoteWait;
    }
}
