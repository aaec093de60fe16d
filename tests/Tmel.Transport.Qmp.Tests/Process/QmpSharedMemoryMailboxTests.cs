using System.Diagnostics;
using Rpmsg.Core;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Process;

public sealed class QmpSharedMemoryMailboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _owned = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public void Create_WritesTheFilesAndAVersion1Layout()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps", "btss"], sramSize: 4096, sramBusAddress: 0x9000_0000));

        Assert.Equal(0x2000, new FileInfo(_dir["apps/window"]).Length);
        Assert.Equal(0x2000, new FileInfo(_dir["btss/window"]).Length);
        Assert.Equal(4096, new FileInfo(_dir["btss/sram"]).Length);
        QmpProcessLayout layout = QmpProcessLayout.Read(_dir.Path);
        Assert.Equal(1, layout.Version);
        Assert.Equal(Environment.ProcessId, layout.SimulatorPid);
        Assert.Equal(["apps", "btss"], layout.Subsystems.Select(s => s.Name));
        QmpProcessSubsystemLayout btss = layout.GetSubsystem(_dir.Path, "btss");
        Assert.Equal(("btss/window", "btss/sram", "btss/tmel.sock", "btss/client.sock"), (btss.Window, btss.Sram, btss.TmelSocket, btss.ClientSocket));
        Assert.Equal(0x9000_0000u, btss.SramBusAddress);

        string json = File.ReadAllText(_dir["layout.json"]);
        Assert.Contains("\"version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"windowSize\": 8192", json, StringComparison.Ordinal);
        Assert.Contains("\"remoteMailboxOffset\": 4096", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SecondSimulatorOnTheSameDirectory_IsRefusedNamingTheLock()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));

        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        Assert.Equal(_dir["simulator.lock"], error.Path);
        Assert.Contains($"pid {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AfterTheFirstReleased_KeepsTheWindowFileAndClearsOnlyItsOwnMailbox()
    {
        QmpProcessDirectory first = QmpProcessDirectory.Create(_dir.Path, ["apps"]);
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        using (QmpSharedMemoryMailbox simulator = first.OpenSimulatorMailbox("apps"))
        {
            simulator.WriteOwn(Mailbox(0x0000_0003));
        }

        client.WriteOwn(Mailbox(0x0000_0001));
        first.Dispose();

        using QmpProcessDirectory second = QmpProcessDirectory.Create(_dir.Path, ["apps"]);
        using QmpSharedMemoryMailbox restarted = second.OpenSimulatorMailbox("apps");
        byte[] seen = new byte[32];
        client.ReadPeer(seen);
        Assert.Equal(0u, BitConverter.ToUInt32(seen));
        restarted.ReadPeer(seen);
        Assert.Equal(1u, BitConverter.ToUInt32(seen));
    }

    [Fact]
    public void Create_BadSubsystemNames_Throw()
    {
        Assert.Throws<ArgumentException>(() => QmpProcessDirectory.Create(_dir.Path, []));
        Assert.Throws<ArgumentException>(() => QmpProcessDirectory.Create(_dir.Path, ["../x"]));
        Assert.Throws<ArgumentException>(() => QmpProcessDirectory.Create(_dir.Path, ["apps", "apps"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => QmpProcessDirectory.Create(_dir.Path, ["apps"], sramSize: 12));
    }

    [Fact]
    public void AttachClient_NoLayout_ThrowsNamingTheFile()
    {
        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        Assert.Equal(_dir["layout.json"], error.Path);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "not a valid layout")]
    [InlineData("null", "not a valid layout")]
    [InlineData("{\"version\": 2, \"subsystems\": []}", "version is 2")]
    [InlineData("{\"version\": 1, \"windowSize\": 4096}", "not the RFC's")]
    [InlineData("{\"version\": 1, \"subsystems\": []}", "no subsystem")]
    [InlineData("{\"version\": 1, \"subsystems\": [{\"name\": \"apps\", \"window\": \"/etc/passwd\", \"sram\": \"apps/sram\", \"sramSize\": 64, \"sramBusAddress\": 8, \"tmelSocket\": \"a\", \"clientSocket\": \"b\", \"clientLock\": \"c\"}]}", "not a path inside")]
    [InlineData("{\"version\": 1, \"subsystems\": [{\"name\": \"apps\", \"window\": \"w\", \"sram\": \"s\", \"sramSize\": 63, \"sramBusAddress\": 8, \"tmelSocket\": \"a\", \"clientSocket\": \"b\", \"clientLock\": \"c\"}]}", "SRAM region")]
    public void AttachClient_MalformedLayout_ThrowsNamingTheFile(string json, string reason)
    {
        File.WriteAllText(_dir["layout.json"], json);

        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        Assert.Equal(_dir["layout.json"], error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachClient_WindowOfTheWrongSize_ThrowsNamingTheWindow()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        File.WriteAllBytes(_dir["apps/window"], new byte[0x1000]);

        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        Assert.Equal(_dir["apps/window"], error.Path);
        Assert.Contains("4096 bytes long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachClient_UnknownSubsystem_ThrowsListingTheKnownOnes()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps", "btss"]));

        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpSharedMemoryMailbox.AttachClient(_dir.Path, "audioss"));
        Assert.Contains("no subsystem 'audioss' (it lists: apps, btss)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachClient_SecondClientOnASubsystem_IsRefused_AnotherSubsystemIsNot()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps", "btss"]));
        Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path, "apps"));

        QmpProcessLayoutException error = Assert.Throws<QmpProcessLayoutException>(() => QmpSharedMemoryMailbox.AttachClient(_dir.Path, "apps"));
        Assert.Equal(_dir["apps/client.lock"], error.Path);
        Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path, "btss"));
    }

    [Fact]
    public void WriteOwn_LandsInTheWindowFileAtTheSideOffset_AndThePeerReadsIt()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        // qmp-rfc.md §8 row 7: descriptor 0x0018001F, 24 payload bytes at +0x04; reserved word carries src 0x0400, dst 0x0401.
        byte[] mailbox = Convert.FromHexString(
            "1F001800" +                                          // descriptor u32 LE
            "000102030405060708090A0B0C0D0E0F1011121314151617" + // payload, 24 bytes
            "00040104");                                         // reserved: src u16 LE 0x0400, dst u16 LE 0x0401
        client.WriteOwn(mailbox);
        simulator.WriteOwn(Mailbox(0x0000_0003));

        byte[] window = ReadShared(_dir["apps/window"]);
        Assert.Equal(0x2000, window.Length);
        Assert.Equal(mailbox, window.AsSpan(0x0000, 32).ToArray());
        Assert.Equal(Convert.FromHexString("03000000"), window.AsSpan(0x1000, 4).ToArray());

        byte[] seen = new byte[32];
        simulator.ReadPeer(seen);
        Assert.Equal(mailbox, seen);
        Assert.Equal((0x0000, 0x1000, 0x1000, 0x0000), (client.OwnOffset, client.PeerOffset, simulator.OwnOffset, simulator.PeerOffset));
    }

    [Fact]
    public async Task RingPeerDoorbell_WakesTheBlockedPeer_EachTime()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps", maxSpinRounds: 0));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path, maxSpinRounds: 0));
        byte[] scratch = new byte[32];
        simulator.ReadPeer(scratch);

        for (int i = 0; i < 20; i++)
        {
            ValueTask wait = simulator.WaitForDoorbellAsync(Ct);
            client.RingPeerDoorbell();
            await wait;
        }

        ValueTask toClient = client.WaitForDoorbellAsync(Ct);
        simulator.RingPeerDoorbell();
        await toClient;
    }

    [Fact]
    public async Task WaitForDoorbell_PeerWroteSinceTheLastRead_CompletesWithoutARing()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        byte[] scratch = new byte[32];
        client.ReadPeer(scratch);

        simulator.WriteOwn(Mailbox(0x0000_0001));
        ValueTask wait = client.WaitForDoorbellAsync(Ct);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task WaitForDoorbell_Cancelled_ThrowsTheCallersCancellation()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps", maxSpinRounds: 0));
        byte[] scratch = new byte[32];
        simulator.ReadPeer(scratch);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        ValueTask wait = simulator.WaitForDoorbellAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait);
    }

    [Fact]
    public void RingPeerDoorbell_NobodyBound_IsDropped()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        long before = simulator.DroppedRings;

        simulator.RingPeerDoorbell();

        Assert.Equal(before + 1, simulator.DroppedRings);
        Assert.False(File.Exists(_dir["apps/client.sock"]));
    }

    [Fact]
    public void SharedMemory_ClientAllocates_SimulatorReadsAndAnswersByBusAddress()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"], sramSize: 4096, sramBusAddress: 0x8600_0000));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        QmpSharedMemoryRegion apps = client.CreateSharedMemoryRegion();
        QmpSharedMemoryRegion tmel = simulator.CreateSharedMemoryRegion();

        QmpSharedBuffer buffer = apps.Allocate(16);
        buffer.Write([1, 2, 3, 4]);
        byte[] seen = new byte[4];
        tmel.Read(buffer.BusAddress, seen);
        tmel.Write(buffer.BusAddress + 4, [9, 9]);

        Assert.Equal([1, 2, 3, 4], seen);
        Assert.Equal(0x8600_0000u, buffer.BusAddress);
        Assert.Equal([1, 2, 3, 4, 9, 9, 0, 0], buffer.ToArray()[..8]);
        Assert.True(tmel.IsAllocatedRange(0x8600_0000, 4096));
        Assert.False(tmel.IsAllocatedRange(0x8600_0000, 4097));
        Assert.False(tmel.IsAllocatedRange(0x85FF_FFF8, 8));
        Assert.Throws<RpmsgSharedMemoryException>(() => tmel.Allocate(8));
    }

    [Fact]
    public void SharedMemory_NewClient_StartsFromZeroedSram()
    {
        Own(QmpProcessDirectory.Create(_dir.Path, ["apps"], sramSize: 64));
        using (QmpSharedMemoryMailbox first = QmpSharedMemoryMailbox.AttachClient(_dir.Path))
        {
            first.CreateSharedMemoryRegion().Allocate(8).Write([7, 7, 7]);
        }

        Assert.Equal(7, ReadShared(_dir["apps/sram"])[0]);
        QmpSharedMemoryMailbox second = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        second.CreateSharedMemoryRegion();
        Assert.All(ReadShared(_dir["apps/sram"]), b => Assert.Equal(0, b));
    }

    [Fact]
    public void TraceSideband_TheSendersContext_ReachesThePeer_AndDefaultClearsIt()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        IQmpTraceSideband simulator = Own(dir.OpenSimulatorMailbox("apps"));
        IQmpTraceSideband client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        Assert.Equal(default, simulator.TakePeerSenderContext());
        client.PostSenderContext(context);
        ActivityContext seen = simulator.TakePeerSenderContext();
        byte[] window = ReadShared(_dir["apps/window"]);
        client.PostSenderContext(default);

        Assert.Equal((context.TraceId, context.SpanId, context.TraceFlags, true), (seen.TraceId, seen.SpanId, seen.TraceFlags, seen.IsRemote));
        Assert.Equal(Convert.FromHexString("01000000"), window.AsSpan(0x0800, 4).ToArray());
        Assert.Equal(context.TraceId.ToHexString(), Convert.ToHexStringLower(window.AsSpan(0x0804, 16)));
        Assert.Equal(default, simulator.TakePeerSenderContext());
    }

    [Fact]
    public void CheckOwnMailbox_OverwrittenByAnotherWriter_ClearsIt_ThePeerReadsAReset_AndCounts()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        client.WriteOwn(Mailbox(0x0018_004F));
        Assert.False(client.CheckOwnMailbox());

        // A third party writes into the client's mailbox (offset 0x0000).
        using (var window = new FileStream(_dir["apps/window"], FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            window.Write(Convert.FromHexString("DEADBEEF" + new string('5', 56)));
        }

        Assert.True(client.CheckOwnMailbox());
        Assert.Equal(new byte[32], ReadShared(_dir["apps/window"]).AsSpan(0, 32).ToArray());
        byte[] seen = new byte[32];
        simulator.ReadPeer(seen);
        Assert.Equal(0u, BitConverter.ToUInt32(seen));
        Assert.Equal(1, client.OwnMailboxResets);
        Assert.False(client.CheckOwnMailbox());
        Assert.Equal(0, simulator.OwnMailboxResets);
    }

    [Fact]
    public async Task CheckOwnMailbox_UnderAConnectedLink_TheLinkStartsOverAndBothChannelsReopen()
    {
        QmpProcessDirectory dir = Own(QmpProcessDirectory.Create(_dir.Path, ["apps"]));
        QmpSharedMemoryMailbox simulator = Own(dir.OpenSimulatorMailbox("apps"));
        QmpSharedMemoryMailbox client = Own(QmpSharedMemoryMailbox.AttachClient(_dir.Path));
        await using var remote = new QmpLink(simulator, QmpRole.Remote);
        await using var local = new QmpLink(client, QmpRole.Local);
        var delivered = new RecordingLinkHandler();
        var localStates = new RecordingLinkHandler();
        remote.Start(delivered);
        local.Start(localStates);
        await local.WaitForChannelAsync(Ct);
        await remote.WaitForChannelAsync(Ct);
        Assert.True(await NextStateAsync(localStates));

        // A third party writes garbage into the client's mailbox; the client's check clears it, and its link must start over
        // (a cleared word under a link that still thinks its channel is open would wait for ever).
        using (var window = new FileStream(_dir["apps/window"], FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            window.Write(Convert.FromHexString("DEADBEEF" + new string('5', 56)));
        }

        Assert.True(client.CheckOwnMailbox());
        Assert.False(await NextStateAsync(localStates));
        Assert.True(await NextStateAsync(localStates));
        Assert.Equal(1, local.ProtocolErrors);
        await local.SendAsync(Convert.FromHexString("0102030405"), 0x0400_0401, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        (uint reserved, byte[] message) = await delivered.Messages.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0x0400_0401u, reserved);
        Assert.Equal([1, 2, 3, 4, 5], message);
    }

    private static async Task<bool> NextStateAsync(RecordingLinkHandler handler) =>
        await handler.ChannelStates.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

    private static byte[] Mailbox(uint descriptor)
    {
        byte[] mailbox = new byte[32];
        BitConverter.TryWriteBytes(mailbox, descriptor);
        return mailbox;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private T Own<T>(T value)
        where T : IDisposable
    {
        _owned.Add(value);
        return value;
    }
}
