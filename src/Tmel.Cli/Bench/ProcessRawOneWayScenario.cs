using System.Buffers.Binary;

namespace Tmel.Cli.Bench;

/// <summary>
/// The two-process one-way baseline: the bare-protocol equivalent of one QMP one-way message, over the same window, doorbells
/// and waiting code, with no state machine and no rpmsg.
/// </summary>
/// <remarks>
/// <para>One message: the client writes its mailbox (descriptor word = a new sequence number, then the 24 payload bytes at +4
/// and the reserved word at +28, as a QMP fragment with its address word) and rings; the simulator's raw side copies the
/// mailbox out (it consumed the message) and acknowledges by writing it into its own mailbox, so its descriptor word carries
/// the sequence back, and rings; the client writes the next message only after it saw that acknowledgement.</para>
/// <para>That is the shape of a QMP one-way message, which may not be followed by the next until the peer's <c>rx_done</c>
/// said it was consumed: one 32-byte write and one doorbell each way. The acknowledgement carries the message back only
/// because the raw side answers every mailbox the same way; the client reads nothing but its descriptor word. On the wire it
/// is therefore the round trip of the ping-pong baseline; it is measured again in the one-way group so that each pair of
/// batches runs at the same moment (docs/simulator-process.md).</para>
/// </remarks>
internal sealed class ProcessRawOneWayScenario(string directory, string subsystem) : ProcessRawScenario(directory, subsystem)
{
    private const int PayloadOffset = 4;
    private const int AddressWordOffset = 28;

    public override string Name => "raw 24 B one way";

    public override int PayloadSize => AddressWordOffset - PayloadOffset;

    public override Task SetupAsync(CancellationToken cancellationToken)
    {
        Random.Shared.NextBytes(Mailbox.AsSpan(PayloadOffset, PayloadSize));

        // Source 1024, destination 1025: a first fragment's address word, as the QMP scenario's messages carry one.
        BinaryPrimitives.WriteUInt32LittleEndian(Mailbox.AsSpan(AddressWordOffset), 1024u | (1025u << 16));
        return base.SetupAsync(cancellationToken);
    }
}
