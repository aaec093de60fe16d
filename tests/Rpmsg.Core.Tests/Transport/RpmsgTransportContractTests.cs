using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Transport;

/// <summary>
/// What every <see cref="IRpmsgTransport"/> promises the bus. Each transport runs these through a small subclass that
/// creates a started, connected pair.
/// </summary>
public abstract class RpmsgTransportContractTests
{
    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The clock every transport under test must use for its timeouts.</summary>
    private protected Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; } = new();

    /// <summary>Creates two connected transports, started with the given handlers; the link must come up.</summary>
    private protected abstract Task<TransportPair> CreatePairAsync(RecordingHandler first, RecordingHandler second);

    /// <summary>Holds the receiver back and sends numbered frames until the transport refuses one; returns how many it took.</summary>
    private static int FillUntilNoRoom(TransportPair pair, RecordingHandler receiver)
    {
        receiver.Block();
        int taken = 0;
        while (pair.First.TrySend(1, 2, BitConverter.GetBytes(taken)))
        {
            taken++;
            Assert.True(taken < 100_000, "the transport never ran out of transmit room");
        }

        return taken;
    }

    [Fact]
    public async Task Start_BothSides_ReportsLinkUp()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        Assert.True(await a.LinkStates.NextAsync());
        Assert.True(await b.LinkStates.NextAsync());
        Assert.True(pair.First.IsLinkUp);
    }

    [Fact]
    public async Task TrySend_FramesArriveInOrderWithAddresses()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        for (int i = 0; i < 50; i++)
        {
            await pair.First.SendAsync(1024 + (uint)i, 2000, new byte[] { (byte)i, 0xAB }, Timeout.InfiniteTimeSpan, Ct);
        }

        for (int i = 0; i < 50; i++)
        {
            var frame = await b.Frames.NextAsync();
            Assert.Equal(new RpmsgAddress(1024 + (uint)i), frame.Source);
            Assert.Equal(new RpmsgAddress(2000), frame.Destination);
            Assert.Equal(new byte[] { (byte)i, 0xAB }, frame.Payload);
        }
    }

    [Fact]
    public async Task Send_EmptyAndMtuSizedPayloads_ArriveWhole()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        byte[] full = Enumerable.Range(0, pair.First.Mtu).Select(i => (byte)i).ToArray();
        Assert.True(pair.Second.TrySend(5, 6, []));
        await pair.Second.SendAsync(5, 6, full, Timeout.InfiniteTimeSpan, Ct);
        Assert.Empty((await a.Frames.NextAsync()).Payload);
        Assert.Equal(full, (await a.Frames.NextAsync()).Payload);
    }

    [Fact]
    public async Task Send_OverMtu_ThrowsAndSendsNothing()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        byte[] tooLarge = new byte[pair.First.Mtu + 1];
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.First.TrySend(1, 2, tooLarge));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await pair.First.SendAsync(1, 2, tooLarge, Timeout.InfiniteTimeSpan, Ct));
        await pair.First.SendAsync(1, 2, new byte[] { 7 }, Timeout.InfiniteTimeSpan, Ct);
        Assert.Equal(new byte[] { 7 }, (await b.Frames.NextAsync()).Payload);
    }

    [Fact]
    public async Task Send_AddressAboveMax_Throws()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        RpmsgAddress above = pair.First.MaxAddress.Value + 1;
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.First.TrySend(above, 2, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.First.TrySend(1, above, [1]));
    }

    [Fact]
    public async Task TrySend_ReceiverHeldBack_EventuallyReturnsFalse_ThenRecoversWithoutLoss()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        int taken = FillUntilNoRoom(pair, b);
        Assert.True(taken > 0);
        b.Unblock();
        for (int i = 0; i < taken; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await b.Frames.NextAsync()).Payload));
        }
    }

    [Fact]
    public async Task SendAsync_NoRoom_WaitsUntilReceiverCatchesUp()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        int taken = FillUntilNoRoom(pair, b);

        ValueTask pending = pair.First.SendAsync(1, 2, BitConverter.GetBytes(taken), Timeout.InfiniteTimeSpan, Ct);
        Assert.False(pending.IsCompleted);
        b.Unblock();
        await pending;
        for (int i = 0; i <= taken; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await b.Frames.NextAsync()).Payload));
        }
    }

    [Fact]
    public async Task SendAsync_NoRoomWithinTimeout_ThrowsRpmsgTimeout_AndFrameIsNeverSent()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        int taken = FillUntilNoRoom(pair, b);

        ValueTask pending = pair.First.SendAsync(1, 2, BitConverter.GetBytes(-1), TimeSpan.FromMilliseconds(500), Ct);
        Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(pending.IsCompleted);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var ex = await Assert.ThrowsAsync<RpmsgTimeoutException>(async () => await pending);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ex.Timeout);

        ValueTask after = pair.First.SendAsync(1, 2, BitConverter.GetBytes(taken), Timeout.InfiniteTimeSpan, Ct);
        b.Unblock();
        await after;
        for (int i = 0; i <= taken; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await b.Frames.NextAsync()).Payload));
        }
    }

    [Fact]
    public async Task SendAsync_CancelledWhileWaiting_ThrowsAndFrameIsNeverSent()
    {
        var (a, b) = (new RecordingHandler(), new RecordingHandler());
        await using TransportPair pair = await CreatePairAsync(a, b);
        int taken = FillUntilNoRoom(pair, b);

        using var cts = new CancellationTokenSource();
        ValueTask pending = pair.First.SendAsync(1, 2, BitConverter.GetBytes(-1), Timeout.InfiniteTimeSpan, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        ValueTask after = pair.First.SendAsync(1, 2, BitConverter.GetBytes(taken), Timeout.InfiniteTimeSpan, Ct);
        b.Unblock();
        await after;

        // Order is preserved, so had the cancelled frame (-1) gone out, it would arrive before the later one.
        for (int i = 0; i < taken; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await b.Frames.NextAsync()).Payload));
        }

        var next = await b.Frames.NextAsync();
        Assert.Equal(taken, BitConverter.ToInt32(next.Payload));
    }
}

/// <summary>Two started transports and what disposes them.</summary>
internal sealed class TransportPair(IRpmsgTransport first, IRpmsgTransport second) : IAsyncDisposable
{
    public IRpmsgTransport First { get; } = first;

    public IRpmsgTransport Second { get; } = second;

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
