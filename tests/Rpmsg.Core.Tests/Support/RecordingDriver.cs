using System.Threading.Channels;

namespace Rpmsg.Core.Tests.Support;

/// <summary>A driver that records probe and remove calls, with optional behaviour injected per test.</summary>
internal sealed class RecordingDriver(string name, params string[] ids) : IRpmsgDriver
{
    public string Name { get; } = name;

    public IReadOnlyCollection<string> IdTable { get; } = ids;

    public RpmsgEndpointOptions? DefaultEndpointOptions { get; init; }

    public Func<RpmsgDevice, CancellationToken, ValueTask>? OnProbe { get; init; }

    public Func<RpmsgDevice, CancellationToken, ValueTask>? OnRemove { get; init; }

    public Channel<RpmsgDevice> Probed { get; } = Channel.CreateUnbounded<RpmsgDevice>();

    public Channel<RpmsgDevice> Removed { get; } = Channel.CreateUnbounded<RpmsgDevice>();

    public async ValueTask ProbeAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        if (OnProbe is not null)
        {
            await OnProbe(device, cancellationToken);
        }

        Probed.Writer.TryWrite(device);
    }

    public async ValueTask RemoveAsync(RpmsgDevice device, CancellationToken cancellationToken)
    {
        Removed.Writer.TryWrite(device);
        if (OnRemove is not null)
        {
            await OnRemove(device, cancellationToken);
        }
    }
}
