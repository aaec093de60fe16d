using System.Threading.Channels;

namespace Rpmsg.Core.Tests.Support;

/// <summary>A transport handler that records what a transport delivers and can hold delivery back.</summary>
internal sealed class RecordingHandler : IRpmsgTransportHandler
{
    private readonly SemaphoreSlim _gate = new(0);

    public Channel<(RpmsgAddress Source, RpmsgAddress Destination, byte[] Payload)> Frames { get; } =
        Channel.CreateUnbounded<(RpmsgAddress, RpmsgAddress, byte[])>();

    public Channel<bool> LinkStates { get; } = Channel.CreateUnbounded<bool>();

    public TaskCompletionSource Blocked { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private volatile bool _blocking;

    /// <summary>From now on, each delivery waits until <see cref="Unblock"/>.</summary>
    public void Block()
    {
        _blocking = true;
        Blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Unblock()
    {
        _blocking = false;
        _gate.Release(1);
    }

    public async ValueTask OnReceiveAsync(RpmsgAddress source, RpmsgAddress destination, ReadOnlyMemory<byte> payload, System.Diagnostics.ActivityContext senderContext, CancellationToken cancellationToken)
    {
        byte[] copy = payload.ToArray();
        if (_blocking)
        {
            Blocked.TrySetResult();
            await _gate.WaitAsync(cancellationToken);
        }

        Frames.Writer.TryWrite((source, destination, copy));
    }

    public ValueTask OnLinkStateChangedAsync(bool isUp, CancellationToken cancellationToken)
    {
        LinkStates.Writer.TryWrite(isUp);
        return default;
    }
}
