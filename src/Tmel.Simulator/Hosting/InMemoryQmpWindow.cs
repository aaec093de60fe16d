using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Hosting;

/// <summary>The in-memory mailbox window a hosted simulator shares with the host's link: one side each.</summary>
internal sealed class InMemoryQmpWindow
{
    public InMemoryQmpWindow() => (Local, Remote) = QmpInMemoryMailbox.CreatePair();

    public QmpInMemoryMailbox Local { get; }

    public QmpInMemoryMailbox Remote { get; }
}
