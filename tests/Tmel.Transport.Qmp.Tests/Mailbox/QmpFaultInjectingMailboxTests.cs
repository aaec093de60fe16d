using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;

namespace Tmel.Transport.Qmp.Tests.Mailbox;

/// <summary>What reaches the inner mailbox (the wire) for each injected fault, and that a seed decides the same faults.</summary>
public sealed class QmpFaultInjectingMailboxTests
{
    // §2: link, link ack, channel, channel ack set: a connected word with both toggles 0.
    private const uint Connected = 0x0000000F;
    private const uint TxBit = 0x10;
    private const uint Addresses = 0x00070400; // source 0x0400, destination 0x0007 (the reserved word of a first fragment)
    private const uint Continuation = 0xFFFFFFFF;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void RingPeerDoorbell_LostRing_PeerIsNotRung()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.LostRing);

        faults.RingPeerDoorbell();

        Assert.Equal(0, inner.Rings);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.LostRing));
    }

    [Fact]
    public void RingPeerDoorbell_DuplicatedRing_PeerIsRungTwice()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.DuplicatedRing);

        faults.RingPeerDoorbell();

        Assert.Equal(2, inner.Rings);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.DuplicatedRing));
    }

    [Fact]
    public async Task RingPeerDoorbell_DelayedRing_PeerIsRungAfterTheDelay()
    {
        var inner = new RecordingMailbox();
        var time = new FakeTimeProvider();
        var options = Options(QmpFaultKind.DelayedRing);
        options.RingDelay = TimeSpan.FromMilliseconds(5);
        using var faults = new QmpFaultInjectingMailbox(inner, options, time);

        faults.RingPeerDoorbell();
        Assert.Equal(0, inner.Rings);
        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, inner.Rings);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await inner.WaitForRingsAsync(1, Ct);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.DelayedRing));
    }

    [Fact]
    public async Task StalledPeer_NoRingReachesEitherSideUntilTheStallEnds_ThenOneRingAndOneWakeUp()
    {
        var inner = new RecordingMailbox();
        var time = new FakeTimeProvider();
        var options = Options(QmpFaultKind.StalledPeer);
        options.StallDuration = TimeSpan.FromMilliseconds(20);
        using var faults = new QmpFaultInjectingMailbox(inner, options, time);

        faults.RingPeerDoorbell();
        faults.RingPeerDoorbell(); // held as well: the peer is stalled
        Task wait = faults.WaitForDoorbellAsync(Ct).AsTask(); // the inner doorbell rang, but a stalled peer's ring arrives late
        Assert.Equal(0, inner.Rings);
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(20));
        await wait;
        await inner.WaitForRingsAsync(1, Ct);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.StalledPeer));
    }

    [Fact]
    public void WriteOwn_BadFragmentSize_PeerSeesFrag25_UntilTheNextFragment()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.BadFragmentSize);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));

        faults.WriteOwn(Box(Connected | TxBit, 24, 1, Pattern(24), Addresses));
        faults.WriteOwn(Box(Connected | TxBit | 0x20, 24, 1, Pattern(24), Addresses)); // an ack write while the fragment stays

        Assert.Equal(25, Descriptor(inner.Writes[1]).FragmentSize);
        Assert.Equal(25, Descriptor(inner.Writes[2]).FragmentSize);
        Assert.True(Descriptor(inner.Writes[2]).TxAck);
        Assert.Equal(Pattern(24), inner.Writes[1][4..28]);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.BadFragmentSize));
    }

    [Fact]
    public void WriteOwn_FragmentCountOutOfSequence_PeerSeesAnotherRemainingCount_NeverZeroOnAFirstFragment()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.FragmentCountOutOfSequence);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));

        faults.WriteOwn(Box(Connected | TxBit, 24, 3, Pattern(24), Addresses));
        faults.WriteOwn(Box(Connected, 24, 255, Pattern(24), Addresses));

        byte first = Descriptor(inner.Writes[1]).RemainingFragments;
        byte wrapped = Descriptor(inner.Writes[2]).RemainingFragments;
        Assert.InRange(first, 4, 6);
        Assert.InRange(wrapped, 252, 254);
        Assert.Equal(24, Descriptor(inner.Writes[1]).FragmentSize);
        Assert.Equal(2, faults.GetCount(QmpFaultKind.FragmentCountOutOfSequence));
    }

    [Fact]
    public void WriteOwn_ToggleWithoutData_NonFinalFragmentArrivesEmpty_AFinalFragmentIsLeftAlone()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.ToggleWithoutData);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));

        faults.WriteOwn(Box(Connected | TxBit, 24, 1, Pattern(24), Addresses));
        faults.WriteOwn(Box(Connected, 10, 0, Pattern(10), Continuation));

        QmpDescriptor toggled = Descriptor(inner.Writes[1]);
        Assert.True(toggled.Tx);
        Assert.Equal(0, toggled.FragmentSize);
        Assert.Equal(1, toggled.RemainingFragments);
        Assert.All(inner.Writes[1][4..28], b => Assert.Equal(0, b));
        Assert.Equal(Addresses, BinaryPrimitives.ReadUInt32LittleEndian(inner.Writes[1].AsSpan(28)));

        // A final fragment of size 0 would be a legal empty message, which no receiver could tell: not injected.
        Assert.Equal(10, Descriptor(inner.Writes[2]).FragmentSize);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.ToggleWithoutData));
    }

    [Fact]
    public void WriteOwn_CorruptedPayload_OneByteInsideTheFragmentChanges_DescriptorAndAddressesIntact_OffsetReported()
    {
        var inner = new RecordingMailbox();
        var reported = new List<QmpInjectedFault>();
        var options = Options(QmpFaultKind.CorruptedPayload);
        options.OnFault = reported.Add;
        using var faults = new QmpFaultInjectingMailbox(inner, options, TimeProvider.System);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));

        faults.WriteOwn(Box(Connected | TxBit, 24, 1, Pattern(24), Addresses));
        faults.WriteOwn(Box(Connected, 10, 0, Pattern(10), Continuation));

        for (int write = 1; write <= 2; write++)
        {
            byte[] sent = write == 1 ? Box(Connected | TxBit, 24, 1, Pattern(24), Addresses) : Box(Connected, 10, 0, Pattern(10), Continuation);
            byte[] seen = inner.Writes[write];
            Assert.Equal(sent[..4], seen[..4]);
            Assert.Equal(sent[28..], seen[28..]);
            int[] changed = [.. Enumerable.Range(4, 24).Where(i => sent[i] != seen[i])];
            int offset = Assert.Single(changed) - 4;
            Assert.InRange(offset, 0, write == 1 ? 23 : 9);
            Assert.Equal((write - 1) * 24 + offset, reported[write - 1].MessageOffset);
            Assert.Equal((byte)(sent[offset + 4] ^ seen[offset + 4]), reported[write - 1].XorMask);
        }

        Assert.Equal(2, faults.GetCount(QmpFaultKind.CorruptedPayload));
    }

    [Fact]
    public void ReadPeer_PeerLinkResetMidMessage_ReadsCleared_PeerSeesOurChannelDown_ThenRealAgain()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.PeerLinkReset);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));
        inner.SetPeer(Box(Connected | TxBit, 24, 5, Pattern(24), Addresses)); // the peer is sending a six-fragment message
        byte[] read = new byte[32];

        faults.ReadPeer(read);
        Assert.Equal(0u, Descriptor(read).Value);

        faults.WriteOwn(Box(Connected & ~0x2u, 0, 0, [], 0)); // our side's reaction: link ack cleared
        Assert.Equal(Connected & ~0x2u & ~0x4u, Descriptor(inner.Writes[^1]).Value); // the peer also sees our channel down

        inner.SetPeer(Box(0x3, 0, 0, [], 0)); // the peer reset its channel: its ack of our level is gone
        faults.ReadPeer(read);
        Assert.Equal(0x3u, Descriptor(read).Value);
        Assert.Equal(1, inner.Rings);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.PeerLinkReset));
    }

    [Fact]
    public void ReadPeer_PeerLinkReset_NotMidMessage_NotInjected()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.PeerLinkReset);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));
        inner.SetPeer(Box(Connected, 0, 0, [], 0));
        byte[] read = new byte[32];

        faults.ReadPeer(read);

        Assert.Equal(Connected, Descriptor(read).Value);
        Assert.Equal(0, faults.GetCount(QmpFaultKind.PeerLinkReset));
    }

    [Fact]
    public void ReadPeer_PeerChannelReset_ReadsChannelDown_ThenOurRealWordIsRestoredAndThePeerRung()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.PeerChannelReset);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));
        inner.SetPeer(Box(Connected, 0, 0, [], 0));
        byte[] read = new byte[32];

        faults.ReadPeer(read);
        Assert.Equal(Connected & ~0x4u, Descriptor(read).Value);

        faults.WriteOwn(Box(Connected & ~0x8u, 0, 0, [], 0)); // our side clears its ack, keeps its level
        Assert.Equal(Connected & ~0x8u & ~0x4u, Descriptor(inner.Writes[^1]).Value);

        inner.SetPeer(Box(0x3, 0, 0, [], 0));
        faults.ReadPeer(read);
        Assert.Equal(0x3u, Descriptor(read).Value);
        Assert.Equal(Connected & ~0x8u, Descriptor(inner.Writes[^1]).Value); // our level is visible again
        Assert.Equal(1, inner.Rings);
        Assert.Equal(1, faults.GetCount(QmpFaultKind.PeerChannelReset));
    }

    [Fact]
    public void ReadPeer_PeerNeverReacts_TheResetEndsAfterTheHold()
    {
        var inner = new RecordingMailbox();
        var time = new FakeTimeProvider();
        var options = Options(QmpFaultKind.PeerChannelReset);
        options.ResetHold = TimeSpan.FromMilliseconds(100);
        using var faults = new QmpFaultInjectingMailbox(inner, options, time);
        faults.WriteOwn(Box(Connected, 0, 0, [], 0));
        inner.SetPeer(Box(Connected, 0, 0, [], 0));
        byte[] read = new byte[32];
        faults.ReadPeer(read);
        faults.WriteOwn(Box(Connected & ~0x8u, 0, 0, [], 0));
        faults.IsEnabled = false;

        faults.ReadPeer(read);
        Assert.Equal(Connected & ~0x4u, Descriptor(read).Value);
        time.Advance(TimeSpan.FromMilliseconds(100));
        faults.ReadPeer(read);

        Assert.Equal(Connected, Descriptor(read).Value);
    }

    [Fact]
    public void Disabled_NothingIsInjected()
    {
        var inner = new RecordingMailbox();
        using var faults = Create(inner, QmpFaultKind.LostRing);
        faults.IsEnabled = false;

        faults.RingPeerDoorbell();

        Assert.Equal(1, inner.Rings);
        Assert.Equal(0, faults.TotalInjected);
    }

    [Fact]
    public void SameSeed_SameOperations_SameFaults_AnotherSeedDiffers()
    {
        List<QmpInjectedFault> first = Run(seed: 42);
        List<QmpInjectedFault> second = Run(seed: 42);
        List<QmpInjectedFault> other = Run(seed: 43);

        Assert.True(first.Count > 100);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(Enum.GetValues<QmpFaultKind>().Length, first.Select(f => f.Kind).Distinct().Count());

        static List<QmpInjectedFault> Run(int seed)
        {
            var inner = new RecordingMailbox();
            var faults = new List<QmpInjectedFault>();
            QmpFaultInjectionOptions options = QmpFaultInjectionOptions.ForAllKinds(0.05, seed);
            options.OnFault = faults.Add;
            options.ResetHold = TimeSpan.Zero;
            var time = new FakeTimeProvider();
            using var mailbox = new QmpFaultInjectingMailbox(inner, options, time);
            inner.SetPeer(Box(Connected, 0, 0, [], 0));
            byte[] read = new byte[32];
            mailbox.WriteOwn(Box(Connected, 0, 0, [], 0));
            for (int i = 1; i <= 600; i++)
            {
                uint tx = (uint)(i % 2) * TxBit;
                mailbox.WriteOwn(Box(Connected | tx, 24, (byte)(i % 3), Pattern(24), i % 3 == 2 ? Addresses : Continuation));
                mailbox.RingPeerDoorbell();
                mailbox.ReadPeer(read);
                mailbox.ReadPeer(read); // a reset under way ends at once (hold 0); the word we write next is connected again
                time.Advance(TimeSpan.FromSeconds(1)); // stalls end
            }

            return faults;
        }
    }

    [Fact]
    public void Options_RatesOfOneOpportunityOverOne_Rejected()
    {
        var options = new QmpFaultInjectionOptions().SetRate(QmpFaultKind.LostRing, 0.6).SetRate(QmpFaultKind.DelayedRing, 0.6);

        Assert.Throws<ArgumentOutOfRangeException>(() => new QmpFaultInjectingMailbox(new RecordingMailbox(), options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QmpFaultInjectionOptions().SetRate(QmpFaultKind.LostRing, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => QmpFaultInjectionOptions.ForAllKinds(0.3, 1));
    }

    private static QmpFaultInjectionOptions Options(QmpFaultKind kind) => new QmpFaultInjectionOptions { Seed = 7 }.SetRate(kind, 1);

    private static QmpFaultInjectingMailbox Create(RecordingMailbox inner, QmpFaultKind kind) => new(inner, Options(kind), new FakeTimeProvider());

    private static byte[] Pattern(int length) => [.. Enumerable.Range(1, length).Select(i => (byte)(i * 7))];

    private static byte[] Box(uint control, byte size, byte remaining, byte[] payload, uint reserved)
    {
        byte[] mailbox = new byte[QmpMailboxLayout.MailboxSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox, new QmpDescriptor(control).WithFragment(size, remaining).Value);
        payload.CopyTo(mailbox, QmpMailboxLayout.PayloadOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(mailbox.AsSpan(QmpMailboxLayout.ReservedOffset), reserved);
        return mailbox;
    }

    private static QmpDescriptor Descriptor(byte[] mailbox) => new(BinaryPrimitives.ReadUInt32LittleEndian(mailbox));

    /// <summary>The wire below the injector: records writes and rings; the peer's mailbox is set by the test; its doorbell always rang.</summary>
    private sealed class RecordingMailbox : IQmpMailbox
    {
        private readonly Lock _gate = new();
        private readonly byte[] _peer = new byte[QmpMailboxLayout.MailboxSize];
        private int _rings;

        public int OwnOffset => QmpMailboxLayout.LocalMailboxOffset;

        public int PeerOffset => QmpMailboxLayout.RemoteMailboxOffset;

        public List<byte[]> Writes { get; } = [];

        public int Rings => Volatile.Read(ref _rings);

        public void SetPeer(byte[] mailbox)
        {
            lock (_gate)
            {
                mailbox.CopyTo(_peer, 0);
            }
        }

        public void ReadPeer(Span<byte> destination)
        {
            lock (_gate)
            {
                _peer.CopyTo(destination);
            }
        }

        public void WriteOwn(ReadOnlySpan<byte> mailbox)
        {
            lock (_gate)
            {
                Writes.Add(mailbox.ToArray());
            }
        }

        public void RingPeerDoorbell() => Interlocked.Increment(ref _rings);

        public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async Task WaitForRingsAsync(int count, CancellationToken ct)
        {
            // The delayed ring runs on a timer callback's continuation; give it the moment it needs, bounded by the test's token.
            while (Rings < count)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
            }
        }
    }
}
