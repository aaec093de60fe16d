using Tmel.Transport.Qmp;

namespace Tmel.Simulator;

/// <summary>Settings of a <see cref="TmelSimulator"/>.</summary>
public sealed class TmelSimulatorOptions
{
    /// <summary>Gets or sets the QMP timeouts of the simulator's side of the link.</summary>
    /// <value>Default: the RFC's values.</value>
    public QmpLinkOptions Link { get; set; } = new();

    /// <summary>Gets or sets a sink for every write to the simulator's mailbox (the remote side of the wire trace).</summary>
    /// <value>Default <see langword="null"/>: no trace.</value>
    public Action<QmpMailboxWrite>? MailboxTrace { get; set; }
}
