using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tmel.Simulator.Hosting;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Device;

/// <summary>The simulator process's service: one device for all its subsystems, with the state directory it was given.</summary>
public class SimulatorProcessDeviceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_TwoSubsystems_ShareOneDeviceWithTheStateDirectory_EachWithItsOwnIdentity()
    {
        using var dir = new TempDirectory();
        var service = new TmelSimulatorProcessService(Options(dir, "apps", "btss"), new FakeTimeProvider(TestImages.Now), NullLoggerFactory.Instance);

        await service.StartAsync(Ct);
        try
        {
            Assert.Equal(2, service.Simulators.Count);
            Assert.Same(service.Simulators[0].Device, service.Simulators[1].Device);
            Assert.Equal(dir.File("state"), service.Simulators[0].Device.StateDirectory);
            Assert.Equal([("apps", 3u), ("btss", 6u)], service.Simulators.Select(s => (s.Subsystem.Name, s.Subsystem.Id)));
            Assert.True(File.Exists(dir.File("state/huk.bin")));
        }
        finally
        {
            await service.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Start_StateDirectoryHeld_ThrowsNamingTheLock_AndReleasesTheServedDirectory()
    {
        using var dir = new TempDirectory();
        using SimulatedDevice holder = SimulatedDevice.Create(null, dir.File("state"), TimeProvider.System, NullLoggerFactory.Instance);
        var service = new TmelSimulatorProcessService(Options(dir, "apps"), TimeProvider.System, NullLoggerFactory.Instance);

        var ex = await Assert.ThrowsAsync<TmelStateDirectoryException>(() => service.StartAsync(Ct));

        Assert.Equal(dir.File("state/device.lock"), ex.Path);
        using QmpProcessDirectory released = QmpProcessDirectory.Create(dir.File("served"), ["apps"]);
    }

    private static IOptions<TmelSimulatorProcessOptions> Options(TempDirectory dir, params string[] subsystems)
    {
        var options = new TmelSimulatorProcessOptions { Directory = dir.File("served"), StateDirectory = dir.File("state"), SramSize = 64 * 1024, Fuses = TestImages.Fuses() };
        foreach (string subsystem in subsystems)
        {
            options.Subsystems.Add(subsystem);
        }

        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
