namespace Rpmsg.Core;

/// <summary>One entry of a loopback inbox: a frame, or (no buffer) a link-state report.</summary>
internal readonly struct LoopbackItem
{
    private LoopbackItem(RpmsgAddress source, RpmsgAddress destination, byte[]? buffer, int length, bool isUp)
    {
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

    public static LoopbackItem Frame(RpmsgAddress source, RpmsgAddress destination, byte[] buffer, int length) =>
        new(source, destination, buffer, length, isUp: true);

    public static LoopbackItem LinkState(bool isUp) => new(default, default, null, 0, isUp);
}
