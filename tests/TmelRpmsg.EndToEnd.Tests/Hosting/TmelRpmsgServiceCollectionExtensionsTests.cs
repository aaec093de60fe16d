using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Cli;
using Tmel.Services.Echo;
using Tmel.Simulator;
using Tmel.Transport.Qmp;
using TmelRpmsg.EndToEnd.Tests.Support;

namespace TmelRpmsg.EndToEnd.Tests.Hosting;

/// <summary>The builder surface (AddTmelRpmsg, UseQmp, UseInMemorySimulator, AddDriver) in a plain generic host, and the
/// options validated at start through the real tmel host's configuration binding.</summary>
public class TmelRpmsgServiceCollectionExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HostApplicationBuilder CreateBuilder(FakeTimeProvider time)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        return builder;
    }

    [Theory]
    [InlineData("--Tmel:Qmp:FragmentTimeout=00:00:00", "FragmentTimeout")]
    [InlineData("--Tmel:Qmp:FragmentTimeout=-00:00:01", "FragmentTimeout")]
    [InlineData("--Tmel:Qmp:LinkUpTimeout=00:02:00", "LinkUpTimeout")]
    [InlineData("--Tmel:Rpmsg:ReceiveQueueCapacity=0", "Tmel:Rpmsg:ReceiveQueueCapacity")]
    [InlineData("--Tmel:Rpmsg:TxTimeout=00:00:00", "Tmel:Rpmsg:TxTimeout")]
    [InlineData("--Tmel:Qmp:SharedMemorySize=4", "SharedMemorySize")]
    [InlineData("--Tmel:Qmp:SharedMemorySize=12", "SharedMemorySize")]
    [InlineData("--Tmel:Qmp:SharedMemoryBaseAddress=0", "SharedMemoryBaseAddress")]
    [InlineData("--Tmel:Qmp:BringUpMaxRetryDelay=00:00:00.010", "BringUpMaxRetryDelay")]
    public async Task StartAsync_BadSetting_FailsWithOptionsValidationExceptionNamingIt(string argument, string setting)
    {
        await using TestHost host = TestHost.Build([argument]);

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));

        OptionsValidationException validation = Assert.IsType<OptionsValidationException>(ex is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerException : ex);
        Assert.Contains(setting, validation.Message, StringComparison.Ordinal);
        Assert.Null(host.Services.GetRequiredService<EchoDriver>().Client);
    }

    [Fact]
    public async Task StartAsync_GoodSettingsFromConfiguration_AreBoundAndUsed()
    {
        await using TestHost host = TestHost.Build(["--Tmel:Qmp:FragmentTimeout=00:00:02", "--Tmel:Qmp:SharedMemorySize=4096", "--Tmel:Rpmsg:ReceiveQueueCapacity=3"]);

        await host.StartAndGetEchoClientAsync(Ct);

        Assert.Equal(TimeSpan.FromSeconds(2), host.Services.GetRequiredService<IOptions<QmpTransportOptions>>().Value.FragmentTimeout);
        Assert.Equal(4096, host.Services.GetRequiredService<QmpSharedMemoryRegion>().Size);
        Assert.Equal(3, host.Services.GetRequiredService<IOptions<RpmsgBusOptions>>().Value.ReceiveQueueCapacity);
    }

    [Fact]
    public async Task RegisteringEverythingTwice_IsHarmless_OneLinkServiceOneDriverOneHealthCheck()
    {
        var time = new FakeTimeProvider();
        HostApplicationBuilder builder = CreateBuilder(time);
        builder.Services.AddTmelRpmsg().UseInMemorySimulator().AddDriver<EchoDriver>();
        builder.Services.AddTmelRpmsg().UseInMemorySimulator().UseQmp().AddDriver<EchoDriver>().AddDriver<EchoDriver>();
        using IHost host = builder.Build();

        IHostedService[] hosted = [.. host.Services.GetServices<IHostedService>()];
        Assert.Single(hosted, s => s is QmpLinkHostedService);
        Assert.All(hosted.GroupBy(s => s.GetType()), group => Assert.Single(group));
        await host.StartAsync(Ct);
        EchoClient client = await host.Services.GetRequiredService<EchoDriver>().WaitForClientAsync(Ct);
        Assert.Equal(new byte[] { 42 }, await client.EchoAsync(new byte[] { 42 }, Ct));
        RpmsgDevice device = Assert.Single(host.Services.GetRequiredService<RpmsgBus>().Devices, d => d.Name == EchoClient.ChannelName);
        Assert.Same(host.Services.GetRequiredService<EchoDriver>(), device.Driver);
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report = await host.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal([QmpBuilderExtensions.HealthCheckName], report.Entries.Keys);
        await host.StopAsync(Ct);
    }

    [Fact]
    public void Create_TelemetryExporterNotAName_FailsNamingTheSettingAndTheValue()
    {
        TmelUsageException ex = Assert.Throws<TmelUsageException>(() => TestHost.Build(["--Tmel:Telemetry:Exporter=Bogus"]));

        Assert.Equal("Tmel:Telemetry:Exporter: 'Bogus' is not one of None, Console, Otlp.", Assert.Single(ex.Problems));
    }

    [Fact]
    public async Task StartAsync_NoTransport_FailsWithClearMessage()
    {
        HostApplicationBuilder builder = CreateBuilder(new FakeTimeProvider());
        builder.Services.AddTmelRpmsg().AddDriver<EchoDriver>();
        using IHost host = builder.Build();

        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Equal("No rpmsg transport is registered: add one to the builder, for example UseQmp() with UseInMemorySimulator().", ex.Message);
    }

    [Fact]
    public async Task StartAsync_QmpWithoutMailbox_FailsWithClearMessage()
    {
        HostApplicationBuilder builder = CreateBuilder(new FakeTimeProvider());
        builder.Services.AddTmelRpmsg().UseQmp();
        using IHost host = builder.Build();

        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Equal("No QMP mailbox is registered: call UseInMemorySimulator(), or register an IQmpMailbox.", ex.Message);
    }

    [Fact]
    public async Task UseQmp_OwnMailbox_IsUsed_AndTheLinkComesUpAgainstAPeerOnIt()
    {
        var time = new FakeTimeProvider();
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        HostApplicationBuilder builder = CreateBuilder(time);
        builder.Services.AddSingleton<IQmpMailbox>(local);
        builder.Services.AddTmelRpmsg().UseQmp().AddDriver<EchoDriver>();
        using IHost host = builder.Build();
        await using var simulator = new TmelSimulator(remote, null, time);
        await simulator.StartAsync(Ct);

        await host.StartAsync(Ct);
        EchoClient client = await host.Services.GetRequiredService<EchoDriver>().WaitForClientAsync(Ct);

        Assert.Equal(new byte[] { 7, 8 }, await client.EchoAsync(new byte[] { 7, 8 }, Ct));
        Assert.Same(local, host.Services.GetRequiredService<IQmpMailbox>());
        await host.StopAsync(Ct);
    }
}
