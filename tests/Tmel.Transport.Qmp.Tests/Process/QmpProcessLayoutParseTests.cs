using System.Text;
using Tmel.Transport.Qmp.Tests.Support;

namespace Tmel.Transport.Qmp.Tests.Process;

/// <summary>
/// <see cref="QmpProcessLayout.Parse"/>, the one parser of <c>layout.json</c> (docs/attach-a-peer.md): <see cref="QmpProcessLayout.Read"/>
/// reads the file and hands its bytes to it, and the process-layout fuzz target calls it without a file.
/// </summary>
public class QmpProcessLayoutParseTests
{
    private const string Path = "/run/tmel/layout.json";

    private const string OneSubsystem =
        """
        {"version":1,"simulatorPid":4242,"windowSize":8192,"localMailboxOffset":0,"remoteMailboxOffset":4096,"mailboxSize":32,
         "traceSidebandOffsetFromMailbox":2048,"subsystems":[{"name":"apps","window":"apps/window","sram":"apps/sram",
         "sramSize":65536,"sramBusAddress":2248146944,"tmelSocket":"apps/tmel.sock","clientSocket":"apps/client.sock","clientLock":"apps/client.lock"}]}
        """;

    [Fact]
    public void Parse_ValidLayout_ReturnsEveryField()
    {
        QmpProcessLayout layout = QmpProcessLayout.Parse(Encoding.UTF8.GetBytes(OneSubsystem), Path);

        Assert.Equal(4242, layout.SimulatorPid);
        QmpProcessSubsystemLayout apps = Assert.Single(layout.Subsystems);
        Assert.Equal(("apps", "apps/window", "apps/sram", 65536, 0x8600_0000u), (apps.Name, apps.Window, apps.Sram, apps.SramSize, apps.SramBusAddress));
        Assert.Equal(("apps/tmel.sock", "apps/client.sock", "apps/client.lock"), (apps.TmelSocket, apps.ClientSocket, apps.ClientLock));
    }

    [Theory]
    [InlineData("{\"version\":1,", "not a valid layout")]
    [InlineData("null", "holds null")]
    [InlineData("{\"version\":2}", "version is 2")]
    [InlineData("{\"version\":1,\"subsystems\":[]}", "lists no subsystem")]
    public void Parse_BadLayout_ThrowsNamingThePathAndTheReason(string json, string reason)
    {
        var ex = Assert.Throws<QmpProcessLayoutException>(() => QmpProcessLayout.Parse(Encoding.UTF8.GetBytes(json), Path));

        Assert.Equal(Path, ex.Path);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8_ThrowsTheTypedError()
    {
        byte[] json = [.. "{\"version\":1,\"subsystems\":[{\"name\":\""u8, 0xFF, 0xFE, .. "\"}]}"u8];

        var ex = Assert.Throws<QmpProcessLayoutException>(() => QmpProcessLayout.Parse(json, Path));

        Assert.Contains("not a valid layout", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileOfTheSameBytes_GivesWhatParseGives()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory[QmpProcessLayout.FileName], OneSubsystem);

        QmpProcessLayout read = QmpProcessLayout.Read(directory.Path);
        QmpProcessLayout parsed = QmpProcessLayout.Parse(Encoding.UTF8.GetBytes(OneSubsystem), Path);

        Assert.Equal(parsed.SimulatorPid, read.SimulatorPid);
        Assert.Equal(parsed.Subsystems, read.Subsystems);
    }

    [Fact]
    public void Read_FileNotJson_ThrowsNamingTheFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory[QmpProcessLayout.FileName], "not json");

        var ex = Assert.Throws<QmpProcessLayoutException>(() => QmpProcessLayout.Read(directory.Path));

        Assert.Equal(directory[QmpProcessLayout.FileName], ex.Path);
        Assert.Contains("not a valid layout", ex.Reason, StringComparison.Ordinal);
    }
}
