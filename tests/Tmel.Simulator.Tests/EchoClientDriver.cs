using System.Threading.Channels;
using Rpmsg.Core;

namespace Tmel.Simulator.Tests;

/// <summary>A client driver bound by announcement to the echo channel; it records its devices.</summary>
internal sealed class EchoClientDriver : IRpmsgDriver
{
    public string Name => "echo-client";

    public IReadOnlyCollection<string> IdTable { get; } = [TmelSimulator.EchoChannel];

    public Channel<RpmsgDevice> Probed { get; } = Channel.CreateUnbounded<RpmsgDevice>();

    public Channel<RpmsgDevice> Removed { get; } = Channel.CreateUnbounded<RpmsgDevice>();

    public ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        Probed.Writer.TryWrite(device);
        return default;
    }

    public ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        Removed.Writer.TryWrite(device);
        return default;
    }

    /// <summary>Sends a request on the device's default endpoint and returns the reply's bytes.</summary>
    public static async Task<byte[]> EchoAsync(RpmsgDevice device, byte[] request, CancellationToken ct)
    {
        RpmsgEndpoint endpoint = device.DefaultEndpoint!;
        await endpoint.SendAsync(request, ct);
        using RpmsgMessage reply = await endpoint.ReceiveAsync(ct);
        Assert.Equal(device.Destination, reply.Source);
        return reply.Span.ToArray();
    }
}
