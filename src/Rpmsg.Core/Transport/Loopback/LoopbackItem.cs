using System.Diagnostics;

namespace Rpmsg.Core;

/// <summary>One entry of a loopback inbox: a frame, or (no buffer) a link-state report.</summary>
internal readonly struct LoopbackItem
{
    private LoopbackItem(RpmsgAddress source, RpmsgAddress destination, byte[]? buffer, int length, bool isUp, ActivityContext senderContext)
    {
        SenderContext = senderContext;
        Source = source;
        Destination = destination;
        Buffer = buffer;
        Length = length;
        IsUp = isUp;
    }

    public RpmsgAddress Source { get; }

    public RpmsgAddress Destination { get; }

    public byte[]? Buffer { get; }

    public int Length { get; }

    public bool IsUp { get; }

    /// <summary>Gets the trace context of the sender's span, carried beside the frame (never in it).</summary>
    public ActivityContext SenderContext { get; }

    public static LoopbackItem Frame(RpmsgAddress source, RpmsgAddress destination, byte[] buffer, int length, ActivityContext senderContext) =>
        new(source, destination, buffer, length, isUp: true, senderContext);

    public static LoopbackItem LinkState(bool isUp) => new(default, default, null, 0, isUp, default);
}
