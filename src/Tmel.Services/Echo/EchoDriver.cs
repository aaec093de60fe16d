using Rpmsg.Core;

namespace Tmel.Services.Echo;

/// <summary>Binds to the simulator's diagnostic echo channel (<see cref="EchoClient.ChannelName"/>) and hands out an <see cref="EchoClient"/>.</summary>
public sealed class EchoDriver : RpmsgClientDriver<EchoClient>
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="responseTimeout">How long a request waits for its reply; 5 s when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="responseTimeout"/> is not positive.</exception>
    public EchoDriver(TimeSpan? responseTimeout = null)
        : base("tmel-echo-client", EchoClient.ChannelName)
    {
        ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResponseTimeout, TimeSpan.Zero, nameof(responseTimeout));
    }

    /// <summary>Gets how long a request waits for its reply.</summary>
    public TimeSpan ResponseTimeout { get; }

    /// <inheritdoc/>
    protected override EchoClient CreateClient(RpmsgDevice device) => new(device, ResponseTimeout);
}
