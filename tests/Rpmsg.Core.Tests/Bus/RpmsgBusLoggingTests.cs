using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core.Tests.Support;

namespace Rpmsg.Core.Tests.Bus;

public class RpmsgBusLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProbeFailure_AndMalformedAnnouncement_AreLoggedWithStableEventIds()
    {
        using var provider = new FakeLoggerProvider();
        using var factory = new LoggerFactory([provider]);
        var link = new RpmsgLoopback();
        await using var local = new RpmsgBus(link.First, null, new FakeTimeProvider(), factory);
        await using var remote = new RpmsgBus(link.Second, null, new FakeTimeProvider());

        await local.RegisterDriverAsync(new RecordingDriver("bad", "svc") { OnProbe = (_, _) => throw new InvalidOperationException("nope") }, Ct);
        await local.CreateDeviceAsync("svc", RpmsgAddress.Any, 2000, Ct);

        await using RpmsgEndpoint raw = remote.CreateEndpoint(RpmsgAddress.Any);
        await raw.SendToAsync(RpmsgAddress.NameService, new byte[39], Ct);
        byte[] marker = new byte[40];
        new RpmsgNameServiceMessage("marker", 3000, RpmsgNameServiceFlags.Create).Write(marker);
        await raw.SendToAsync(RpmsgAddress.NameService, marker, Ct);
        await local.WaitForDeviceAsync("marker", Ct);

        IReadOnlyList<FakeLogRecord> records = provider.Collector.GetSnapshot();
        FakeLogRecord probe = Assert.Single(records, r => r.Id.Id == 1007);
        Assert.Equal(LogLevel.Error, probe.Level);
        Assert.IsType<InvalidOperationException>(probe.Exception);
        Assert.Contains("svc", probe.Message, StringComparison.Ordinal);

        FakeLogRecord malformed = Assert.Single(records, r => r.Id.Id == 1003);
        Assert.Equal(LogLevel.Warning, malformed.Level);
        Assert.Contains("length 39", malformed.Message, StringComparison.Ordinal);
    }
}
