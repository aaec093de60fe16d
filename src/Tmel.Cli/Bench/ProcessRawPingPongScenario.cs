using Tmel.Transport.Qmp;

namespace Tmel.Cli.Bench;

/// <summary>
/// The two-process baseline: a bare 32-byte ping-pong with a simulator's raw-echo subsystem, over the same window, doorbells and
/// waiting code as the QMP link, with no state machine and no rpmsg.
/// </summary>
internal sealed class ProcessRawPingPongScenario(string directory, string subsystem) : ProcessRawScenario(directory, subsystem)
{
    public override string Name => "raw 32 B ping-pong";

    public override int PayloadSize => QmpMailboxLayout.MailboxSize;
}
