namespace Tmel.Transport.Qmp;

/// <summary>A sink for the wire trace of a hosted link: every mailbox write of either side, in the order written.</summary>
/// <remarks>Register one in the host (<c>AddQmpMailboxTrace</c>) and both the local link and an in-memory simulator write to it.
/// The sink is called on the writing side's thread, under that side's lock: keep it short (copy, enqueue), never block.</remarks>
public sealed class QmpMailboxTrace
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="sink">Receives each write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is <see langword="null"/>.</exception>
    public QmpMailboxTrace(Action<QmpMailboxWrite> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Sink = sink;
    }

    /// <summary>Gets the sink.</summary>
    public Action<QmpMailboxWrite> Sink { get; }
}
