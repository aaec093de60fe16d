using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Rpmsg.Core;
using Tmel.Services.Internal;

namespace Tmel.Services.Echo;

/// <summary>Binds to the simulator's diagnostic echo channel (<see cref="EchoClient.ChannelName"/>) and hands out an <see cref="EchoClient"/>.</summary>
public sealed class EchoDriver : RpmsgClientDriver<EchoClient>
{
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="responseTimeout">How long a request waits for its reply; 5 s when <see langword="null"/>.</param>
    /// <param name="lateReplyHold">How long an abandoned request's address is held for its late reply; 60 s when <see langword="null"/> (docs/late-replies.md).</param>
    /// <param name="loggerFactory">Where the clients log; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="responseTimeout"/> or <paramref name="lateReplyHold"/> is not positive.</exception>
    public EchoDriver(TimeSpan? responseTimeout = null, TimeSpan? lateReplyHold = null, ILoggerFactory? loggerFactory = null)
        : base("tmel-echo-client", EchoClient.ChannelName)
    {
        ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(5);
        LateReplyHold = lateReplyHold ?? RequestLaneSettings.DefaultLateReplyHold;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResponseTimeout, TimeSpan.Zero, nameof(responseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LateReplyHold, TimeSpan.Zero, nameof(lateReplyHold));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>Gets how long a request waits for its reply.</summary>
    public TimeSpan ResponseTimeout { get; }

    /// <summary>Gets how long an abandoned request's address is held for its late reply.</summary>
    public TimeSpan LateReplyHold { get; }

    /// <inheritdoc/>
    protected override EchoClient CreateClient(RpmsgDevice device) =>
        new(device, new RequestLaneSettings(ResponseTimeout, LateReplyHold, RequestLaneSettings.DefaultMaxAbandoned), _loggerFactory.CreateLogger<EchoClient>());
}
