using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.Support;

namespace Tmel.Services.Tests.ImageAuth;

public class ImageAuthDriverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Driver_BindsToTheAnnouncedChannelName()
    {
        var driver = new ImageAuthDriver(new FakeSharedMemory());

        Assert.Equal("tmel-image-auth", ImageAuthDriver.ChannelName);
        Assert.Equal([ImageAuthDriver.ChannelName], driver.IdTable);
        Assert.Null(driver.Client);
    }

    [Fact]
    public async Task WaitForClientAsync_BeforeAnnouncement_CompletesOnProbe_AndClientGoesAwayOnWithdrawal()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var link = new RpmsgLoopback(null, time);
        await using var apps = new RpmsgBus(link.First, null, time);
        await using var tme = new RpmsgBus(link.Second, null, time);
        var driver = new ImageAuthDriver(new FakeSharedMemory());
        await apps.RegisterDriverAsync(driver, Ct);

        Task<ImageAuthClient> waiting = driver.WaitForClientAsync(Ct);
        Assert.False(waiting.IsCompleted);
        await using (var service = new FakeImageAuthService(tme, new FakeSharedMemory()))
        {
            await service.StartAsync(Ct);
            ImageAuthClient client = await waiting;
            Assert.Same(client, driver.Client);
            Assert.Same(client, await driver.WaitForClientAsync(Ct));
            Assert.Equal(ImageAuthDriver.ChannelName, client.Device!.Name);
        }

        await WhenCancelled(driver.Client?.Device!.Removed ?? new CancellationToken(true));
        Assert.Null(driver.Client);
        Assert.False(driver.WaitForClientAsync(Ct).IsCompleted);
    }

    [Fact]
    public async Task WaitForClientAsync_Cancelled_ThrowsCallersCancellation()
    {
        var driver = new ImageAuthDriver(new FakeSharedMemory());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<ImageAuthClient> waiting = driver.WaitForClientAsync(cts.Token);
        await cts.CancelAsync();

        Assert.Equal(cts.Token, (await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting)).CancellationToken);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void Constructor_ResponseTimeoutOutOfRange_Throws(int milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAuthDriver(new FakeSharedMemory(), new ImageAuthClientOptions { ResponseTimeout = TimeSpan.FromMilliseconds(milliseconds) }));

    [Fact]
    public void Constructor_NullMemory_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new ImageAuthDriver(null!));

    private static Task WhenCancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task.WaitAsync(Ct);
    }
}
