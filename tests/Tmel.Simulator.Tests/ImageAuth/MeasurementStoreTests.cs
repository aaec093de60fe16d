using Tmel.Services.ImageAuth;

namespace Tmel.Simulator.Tests.ImageAuth;

public class MeasurementStoreTests
{
    private static TsimMeasurement Measurement(uint swId) => new(swId, new byte[48], new byte[48], 3, 1);

    [Fact]
    public void Snapshot_IsInSoftwareIdOrder_AndHoldsCopies()
    {
        var store = new MeasurementStore();
        Assert.True(store.TryAdd(Measurement(0x21)));
        Assert.True(store.TryAdd(Measurement(0x0D)));
        Assert.True(store.TryAdd(Measurement(0x17)));

        IReadOnlyList<TsimMeasurement> snapshot = store.Snapshot();
        snapshot[0].Digest[0] = 0xFF;

        Assert.Equal([0x0Du, 0x17u, 0x21u], snapshot.Select(m => m.SwId));
        Assert.Equal(0, store.Snapshot()[0].Digest[0]);
    }

    [Fact]
    public void TryAdd_SoftwareIdUp_IsRefused_UntilRemoved()
    {
        var store = new MeasurementStore();
        Assert.True(store.TryAdd(Measurement(0x0D)));

        Assert.False(store.TryAdd(Measurement(0x0D)));
        Assert.True(store.IsAuthenticated(0x0D));
        Assert.True(store.TryRemove(0x0D));
        Assert.False(store.TryRemove(0x0D));
        Assert.False(store.IsAuthenticated(0x0D));
        Assert.Empty(store.Snapshot());
    }

    [Fact]
    public void TryAdd_PastMaxImages_IsRefused_RemoveAllFreesThem()
    {
        var store = new MeasurementStore();
        for (uint swId = 0; swId < MeasurementStore.MaxImages; swId++)
        {
            Assert.True(store.TryAdd(Measurement(swId)));
        }

        Assert.False(store.TryAdd(Measurement(1000)));
        Assert.Equal(MeasurementStore.MaxImages, store.RemoveAll().Count);
        Assert.Equal(0, store.Count);
        Assert.True(store.TryAdd(Measurement(1000)));
    }
}
