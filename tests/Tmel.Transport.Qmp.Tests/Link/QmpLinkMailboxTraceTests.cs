using Microsoft.Extensions.Time.Testing;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Link;

/// <summary>The wire trace is causal: each write is traced before the peer can see it, so a shared trace never shows a
/// peer's answer before the write it answered (the bring-up order of §8 rows 1–6 holds in every run).</summary>
public class QmpLinkMailboxTraceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryWrite_IsTracedBeforeItReachesTheMailbox()
    {
        List<string> events = [];
        (QmpInMemoryMailbox local, QmpInMemoryMailbox remote) = QmpInMemoryMailbox.CreatePair();
        var mailbox = new OrderRecordingMailbox(local, events);
        await using var link = new QmpLink(mailbox, QmpRole.Local, null, new FakeTimeProvider(), null, w =>
        {
            lock (events)
            {
                events.Add($"trace {w.Descriptor.Value:X8}");
            }
        });
        await using var peer = new QmpLink(remote, QmpRole.Remote, null, new FakeTimeProvider());
        peer.Start(new RecordingLinkHandler());

        link.Start(new RecordingLinkHandler());
        await link.WaitForChannelAsync(Ct);
        await link.SendAsync(new byte[30], 0x0035_0400, Ct);

        string[] recorded;
        lock (events)
        {
            recorded = [.. events];
        }

        Assert.True(recorded.Length >= 6, string.Join(", ", recorded));
        for (int i = 0; i < recorded.Length; i += 2)
        {
            Assert.StartsWith("trace ", recorded[i], StringComparison.Ordinal);
            Assert.Equal("write " + recorded[i]["trace ".Length..], recorded[i + 1]);
        }
    }

    [Fact]
    public async Task BringUp_SharedTrace_FollowsTheRfcOrder()
    {
        // Many short runs: the peers race freely, and only a causal trace shows §8's order every time.
        for (int run = 0; run < 50; run++)
        {
            await using var pair = new LinkPair();
            await pair.ConnectAsync(Ct);
            Assert.Equal(["L:00000001", "R:00000003", "L:00000007", "R:0000000F", "L:0000000F"], pair.TakeWrites());
        }
    }

    /// <summary>Passes everything through, and records each write of the own mailbox in the same list as the trace.</summary>
    private sealed class OrderRecordingMailbox(QmpInMemoryMailbox inner, List<string> events) : IQmpMailbox
    {
        public int OwnOffset => inner.OwnOffset;

        public int PeerOffset => inner.PeerOffset;

        public void ReadPeer(Span<byte> destination) => inner.ReadPeer(destination);

        public void WriteOwn(ReadOnlySpan<byte> mailbox)
        {
            lock (events)
            {
                events.Add($"write {System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(mailbox):X8}");
            }

            inner.WriteOwn(mailbox);
        }

        public void RingPeerDoorbell() => inner.RingPeerDoorbell();

        public ValueTask WaitForDoorbellAsync(CancellationToken cancellationToken) => inner.WaitForDoorbellAsync(cancellationToken);
    }
}
