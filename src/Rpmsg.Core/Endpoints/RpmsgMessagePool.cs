namespace Rpmsg.Core;

/// <summary>A small bounded pool of <see cref="RpmsgMessage"/> shells, so steady-state receiving allocates nothing.</summary>
internal sealed class RpmsgMessagePool
{
    private readonly Lock _gate = new();
    private readonly RpmsgMessage[] _items;
    private int _count;

    public RpmsgMessagePool(int capacity) => _items = new RpmsgMessage[capacity];

    public RpmsgMessage Rent(RpmsgAddress source, RpmsgAddress destination, ReadOnlySpan<byte> payload, System.Diagnostics.ActivityContext traceContext)
    {
        RpmsgMessage? message = null;
        lock (_gate)
        {
            if (_count > 0)
            {
                message = _items[--_count];
                _items[_count] = null!;
            }
        }

        message ??= new RpmsgMessage(this);
        message.Fill(source, destination, payload, traceContext);
        return message;
    }

    public void Return(RpmsgMessage message)
    {
        lock (_gate)
        {
            if (_count < _items.Length)
            {
                _items[_count++] = message;
            }
        }
    }
}
