using Microsoft.Extensions.Time.Testing;
using Rpmsg.Core;
using Tmel.Services.ImageAuth;
using Tmel.Services.Tests.Support;

namespace Tmel.Services.Tests.ImageAuth;

/// <summary>The client's side (a bus with the driver) and a fake TME-L (a bus with the fake service) on the loopback transport: no QMP anywhere.</summary>
internal sealed class ImageAuthRig : IAsyncDisposable
{
    private ImageAuthRig(ImageAuthClientOptions? options, int memorySize)
    {
        Link = new RpmsgLoopback(null, Time);
        Apps = new RpmsgBus(Link.First, null, Time);
        Tme = new RpmsgBus(Link.Second, null, Time);
        Memory = new FakeSharedMemory(memorySize);
        Service = new FakeImageAuthService(Tme, Memory);
        Driver = new ImageAuthDriver(Memory, options);
    }

    public FakeTimeProvider Time { get; } = new();

    public RpmsgLoopback Link { get; }

    public RpmsgBus Apps { get; }

    public RpmsgBus Tme { get; }

    public FakeSharedMemory Memory { get; }

    public FakeImageAuthService Service { get; }

    public ImageAuthDriver Driver { get; }

    public ImageAuthClient Client { get; private set; } = null!;

    public static async Task<ImageAuthRig> StartAsync(CancellationToken ct, ImageAuthClientOptions? options = null, int memorySize = 64 * 1024)
    {
        var rig = new ImageAuthRig(options, memorySize);
        await rig.Apps.RegisterDriverAsync(rig.Driver, ct);
        await rig.Service.StartAsync(ct);
        rig.Client = await rig.Driver.WaitForClientAsync(ct);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Apps.DisposeAsync();
        await Tme.DisposeAsync();
    }
}
