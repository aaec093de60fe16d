using System.Threading.Channels;

namespace Tmel.Transport.Qmp.Tests.Support;

internal sealed class RecordingLinkHandler : IQmpLinkHandler
{
    public Channel<(uint Reserved, byte[] Message)> Messages { get; } = Channel.CreateUnbounded<(uint, byte[])>();

    public Channel<bool> ChannelStates { get; } = Channel.CreateUnbounded<bool>();

    public ValueTask OnMessageAsync(uint reservedWord, ReadOnlyMemory<byte> message, System.Diagnostics.ActivityContext senderContext, CancellationToken cancellationToken)
    {
        Messages.Writer.TryWrite((reservedWord, message.ToArray()));
        return default;
    }

    public ValueTask OnChannelStateChangedAsync(bool connected, CancellationToken cancellationToken)
    {
        ChannelStates.Writer.TryWrite(connected);
        return default;
    }
}
