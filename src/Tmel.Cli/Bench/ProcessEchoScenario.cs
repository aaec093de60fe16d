using Rpmsg.Core;

namespace Tmel.Cli.Bench;

/// <summary>An rpmsg echo with the <c>tmel-echo</c> service of a <c>tmel simulator</c> process, over QMP on a shared-memory window.</summary>
internal sealed class ProcessEchoScenario(string directory, string subsystem, int payloadSize)
    : ProcessBusScenario(directory, subsystem, "tmel-echo", payloadSize)
{
    public override string Name => "process echo";

    public override async Task RunAsync(int operations, CancellationToken cancellationToken)
    {
        RpmsgEndpoint client = Client;
        for (int i = 0; i < operations; i++)
        {
            await client.SendToAsync(Service, Payload, CancellationToken.None).ConfigureAwait(false);
            using RpmsgMessage reply = await client.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            if (reply.Length != Payload.Length)
            {
                throw new InvalidOperationException($"Expected a {Payload.Length}-byte reply, got {reply.Length} bytes.");
            }
        }
    }
}
