using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tmel.Services.ImageAuth;
using Tmel.Simulator.Tests.Support;
using Tmel.Transport.Qmp;

namespace Tmel.Simulator.Tests.Rfc;

/// <summary>
/// The RFC's own Linux driver, emulated from the fact sheet, talks to the simulator through the raw mailbox: it never
/// writes the reserved word, so the simulator sees rpmsg address 0 and answers in kind. Words are qmp-rfc.md §8's where it
/// gives them, and otherwise derived from the same §2 layout.
/// </summary>
public class RfcDriverCompatibilityTests
{
    private const uint SwId = TestImages.SwId;

    [Fact(Timeout = 60_000)] // a hang guard only: a broken handshake would otherwise wait forever
    public async Task RfcDriver_BringUpTearDownSecAuthTearDown_WritesTheRfcWords_AndGetsTheRfcReplies()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        (QmpInMemoryMailbox apps, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        var memory = new QmpSharedMemoryRegion(64 * 1024);
        var remote = new ConcurrentQueue<QmpMailboxWrite>();
        var options = new TmelSimulatorOptions { SharedMemory = memory, Fuses = TestImages.Fuses(), MailboxTrace = remote.Enqueue };
        var simulator = new TmelSimulator(tme, options, new FakeTimeProvider(TestImages.Now));
        await simulator.StartAsync(ct);
        var rfc = new RfcDriverEmulator(apps);
        try
        {
            await RunAsync(simulator, rfc, memory, remote, ct);
        }
        finally
        {
            // The simulator withdraws its services on the way down; the RFC driver keeps taking interrupts meanwhile, as
            // a loaded driver does (with fake time nothing else would ever end those sends).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task pump = rfc.PumpUntilAsync(() => false, stop.Token);
            await simulator.DisposeAsync();
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pump);
        }
    }

    private static async Task RunAsync(TmelSimulator simulator, RfcDriverEmulator rfc, QmpSharedMemoryRegion memory, ConcurrentQueue<QmpMailboxWrite> remote, CancellationToken ct)
    {

        // Bring-up, §8 #1..#6 (the link ack of #3 stays in RAM until the channel open of #4).
        await rfc.StartupAsync(ct);
        Assert.Equal([0x00000001u, 0x00000007u, 0x0000000Fu], rfc.Writes);
        Assert.Equal([0x00000003u, 0x0000000Fu], Words(remote).Take(2));

        // The simulator announces its services at channel open: five 40-byte name-service messages, which the RFC takes as
        // ten "packets" (it ignores rem_frag_count) and acks one by one; with no request waiting, TMELCOM drops them.
        await rfc.PumpUntilAsync(() => rfc.Received.Count == 10, ct);
        Assert.Equal([24, 16, 24, 16, 24, 16, 24, 16, 24, 16], rfc.Received.Select(r => r.Length));
        Assert.Equal(
            new[] { TmelSimulator.EchoChannel, TmelSimulator.ImageAuthChannel, TmelSimulator.AttestationChannel, TmelSimulator.DeviceChannel, TmelSimulator.CryptoChannel }.Order(),
            new[] { Name(rfc.Received[0]), Name(rfc.Received[2]), Name(rfc.Received[4]), Name(rfc.Received[6]), Name(rfc.Received[8]) }.Order());
        Assert.Equal([0x0000006Fu, 0x0000000Fu, 0x0000006Fu, 0x0000000Fu, 0x0000006Fu, 0x0000000Fu, 0x0000006Fu, 0x0000000Fu, 0x0000006Fu, 0x0000000Fu], rfc.Writes.Skip(3));
        Assert.Equal(0, simulator.Link.ProtocolErrors);                              // the per-fragment rx_done is the RFC's normal
        rfc.Writes.Clear();
        remote.Clear();

        // 1. TEAR_DOWN of an sw_id that is not up, §8's words: the status word comes back 3 (BAD_PARAMETER) in place of the preset 1.
        byte[] reply = await rfc.RequestAsync(Words(0x000A0018, SwId, 0, 1, 0, 0), ct);
        Assert.Equal(Words(0x000A0018, SwId, 0, 3, 0, 0), reply);
        AssertExchange(
            rfc,
            remote,
            send: 0x0018001F,                        // §8 #7
            remoteTakes: 0x0010002F,                 // §8 #8, first half (frag_size still 16 from the last announcement)
            remoteDone: 0x0010006F,                  // §8 #8, second half
            remoteReply: 0x0018007F,                 // §8 #10
            localAfterDone: 0x001800FF,              // §8 #11 (rx_done_ack of #9 rides along)
            localBeforeDone: 0x0018007F);

        // 2. SEC_AUTH with the 44-byte struct in shared memory, §8's words; no region list, relocate 0: the image sits at
        //    its own p_paddr in the carve-out TME-L already knows (the shared memory).
        TsimImage image = TestImages.Firmware(baseAddress: memory.BaseBusAddress);
        QmpSharedBuffer carveOut = memory.Allocate(image.LoadSize);
        Assert.Equal(image.LoadBase, carveOut.BusAddress);
        carveOut.Write(image.CreateLoadImage());
        QmpSharedBuffer elf = memory.Allocate(image.Metadata.Length);
        elf.Write(image.Metadata.Span);
        QmpSharedBuffer secAuth = memory.Allocate(44);
        secAuth.Write(Words(SwId, elf.BusAddress, (uint)elf.Length, 0, 0, 0, 0, 0, 0, 0, 0));
        byte[] request = Words(0x00040011, secAuth.BusAddress, 0x0000002C, 0, 0, 0);

        reply = await rfc.RequestAsync(request, ct);

        Assert.Equal(request, reply);                                                // same pointer packet, response byte 0
        Assert.Equal(
            Words(SwId, elf.BusAddress, (uint)elf.Length, 0, 0, 0, memory.BaseBusAddress, 0x60, memory.BaseBusAddress + 0x10, 0, 0),
            secAuth.ToArray());                                                      // written in place: first_seg_addr, first_seg_len, entry_addr, extended_error, status
        Assert.Equal(SwId, Assert.Single(simulator.Measurements).SwId);
        AssertExchange(
            rfc,
            remote,
            send: 0x001800EF,                        // §8 #13: tx flips back
            remoteTakes: 0x001800DF,
            remoteDone: 0x0018009F,
            remoteReply: 0x0018008F,
            localAfterDone: 0x0018000F,
            localBeforeDone: 0x0018008F);

        // 3. TEAR_DOWN of the authenticated image: status 0, and the measurement is gone.
        reply = await rfc.RequestAsync(Words(0x000A0018, SwId, 0, 1, 0, 0), ct);
        Assert.Equal(Words(0x000A0018, SwId, 0, 0, 0, 0), reply);
        Assert.Empty(simulator.Measurements);
        AssertExchange(
            rfc,
            remote,
            send: 0x0018001F,
            remoteTakes: 0x0018002F,
            remoteDone: 0x0018006F,
            remoteReply: 0x0018007F,
            localAfterDone: 0x001800FF,
            localBeforeDone: 0x0018007F);
        Assert.Equal(0, simulator.Link.ProtocolErrors);
    }

    /// <summary>
    /// One exchange's words. The emulator writes its send, then one write when the reply arrives. The simulator writes three:
    /// it takes the fragment (tx_ack), flips rx_done once the request was consumed, and flips tx for its reply. The last
    /// two come from two threads (the link's dispatcher and the service), so the reply may come first; the RFC handles both
    /// orders (§3 b and c are independent), and the emulator's word then differs only in the rx_done_ack that arrives later.
    /// The reply fragment carries the reserved word 0: from address 0 to address 0. (The ack-only writes leave the mailbox's
    /// payload and reserved word as the last fragment had them.)
    /// </summary>
    private static void AssertExchange(RfcDriverEmulator rfc, ConcurrentQueue<QmpMailboxWrite> remote, uint send, uint remoteTakes, uint remoteDone, uint remoteReply, uint localAfterDone, uint localBeforeDone)
    {
        QmpMailboxWrite[] writes = [.. remote];
        remote.Clear();
        Assert.Equal(3, writes.Length);
        uint[] words = [.. writes.Select(w => w.Descriptor.Value)];
        bool doneFirst = words[1] == remoteDone;
        uint replyFirst = remoteTakes ^ RfcDriverEmulator.Tx;                      // tx flipped, rx_done not yet
        Assert.Equal([remoteTakes, doneFirst ? remoteDone : replyFirst, remoteReply], words);
        Assert.Equal([send, doneFirst ? localAfterDone : localBeforeDone], rfc.Writes);
        Assert.Equal(localAfterDone, rfc.Word);                                     // the RAM copy once both arrived
        QmpMailboxWrite replyWrite = writes[doneFirst ? 2 : 1];
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(replyWrite.Mailbox.AsSpan(QmpMailboxLayout.ReservedOffset)));
        rfc.Writes.Clear();
    }

    private static IEnumerable<uint> Words(ConcurrentQueue<QmpMailboxWrite> writes) => writes.Select(w => w.Descriptor.Value);

    private static byte[] Words(params uint[] words)
    {
        byte[] bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    private static string Name(byte[] firstFragment) => Encoding.ASCII.GetString(firstFragment).TrimEnd('\0');
}
