using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>
/// rpmsg messages one way to the <c>tmel-sink</c> service of a <c>tmel simulator</c> process serving the benchmark, over QMP on
/// a shared-memory window: each waiting send completes when the sink consumed the message (its <c>rx_done</c>), so a batch
/// ends when its last send completed.
/// </summary>
internal sealed class ProcessOneWayScenario(string directory, string subsystem, int payloadSize)
    : ProcessBusScenario(directory, subsystem, SinkChannel, payloadSize)
{
    /// <summary>The channel name of the simulator process's one-way sink (announced with <c>--raw-echo</c>).</summary>
    public const string SinkChannel = "tmel-sink";

    public override string Name => "process one way";

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = Client;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(Service, Payload, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
