using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tmel.Simulator.Tests.Support;

namespace Tmel.Simulator.Tests.Device;

public class TmelSubsystemTests
{
    [Theory]
    [InlineData("apps", 0u, -0x30000)]
    [InlineData("apps", 1024u, -0x30400)]
    [InlineData("apps", 0xFFFEu, -0x3FFFE)]
    [InlineData("btss", 1024u, -0x60400)]
    [InlineData("tz", 0u, -0x20000)]
    public void ClientId_WellKnownSubsystem_NamesSubsystemAndSource(string name, uint source, int clientId)
    {
        using SimulatedDevice device = CreateDevice();

        Assert.Equal(clientId, device.Subsystem(name).ClientId(source));
    }

    [Fact]
    public void Subsystem_SameName_SameIdentity()
    {
        using SimulatedDevice device = CreateDevice();

        Assert.Same(device.Subsystem("apps"), device.Subsystem("apps"));
        Assert.Equal(TmelSubsystem.Apps, device.Subsystem("apps"));
    }

    [Fact]
    public void Subsystem_NameOutsideTable_StableHashedIdAboveTheTable()
    {
        using SimulatedDevice one = CreateDevice();
        using SimulatedDevice two = CreateDevice();

        TmelSubsystem first = one.Subsystem("sensor-hub");
        Assert.InRange(first.Id, TmelSubsystem.FirstHashedId, TmelSubsystem.MaxId);
        Assert.Equal(first, two.Subsystem("sensor-hub"));
        Assert.True(first.ClientId(0xFFFE) < 0);
    }

    [Fact]
    public void Subsystem_ManyNames_DistinctIds()
    {
        using SimulatedDevice device = CreateDevice();

        uint[] ids = [.. Enumerable.Range(0, SimulatedDevice.MaxSubsystems).Select(i => device.Subsystem($"s{i}").Id)];

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Throws<InvalidOperationException>(() => device.Subsystem("one-too-many"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("APPS")]
    [InlineData("a/b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void Subsystem_InvalidName_ThrowsArgumentException(string name)
    {
        using SimulatedDevice device = CreateDevice();

        Assert.Throws<ArgumentException>(() => device.Subsystem(name));
    }

    private static SimulatedDevice CreateDevice() =>
        SimulatedDevice.Create(TestImages.Fuses(), null, new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance);
}
