using System.Text.Json;
using Tmel.Cli.Commands;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Commands;

/// <summary>The mailbox trace's JSON lines: golden lines for known words, and the file in write order.</summary>
public sealed class MailboxTraceFileTests : IDisposable
{
    private static readonly DateTimeOffset s_time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);
    private readonly string _directory = Directory.CreateTempSubdirectory("tmel-trace-tests-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Mailbox(string hex) => Convert.FromHexString(hex.PadRight(64, '0'));

    [Fact]
    public void Format_LocalLinkUp_GoldenLine()
    {
        // §8 row 1: L writes 0x00000001 (link_state) at window offset 0.
        var write = new QmpMailboxWrite(s_time, QmpRole.Local, 0x0000, Mailbox("01000000"));

        Assert.Equal(
            """{"seq":0,"time":"2026-01-02T03:04:05.1234567+00:00","writer":"local","offset":0,"bytes":"0100000000000000000000000000000000000000000000000000000000000000","descriptor":{"value":"0x00000001","link_state":1,"link_state_ack":0,"ch_state":0,"ch_state_ack":0,"tx":0,"tx_ack":0,"rx_done":0,"rx_done_ack":0,"frag_size":0,"rem_frag_count":0}}""",
            MailboxTraceFile.Format(write, 0));
    }

    [Fact]
    public void Format_RemoteResponseFragment_GoldenLine()
    {
        // §8 row 10: R writes 0x0018007F (0x6F + tx + 24<<16) at 0x1000, payload after the descriptor, reserved word last.
        var write = new QmpMailboxWrite(s_time, QmpRole.Remote, 0x1000, Mailbox("7F001800" + "18000A00050000000000000001000000000000000000000000040035"));

        Assert.Equal(
            """{"seq":42,"time":"2026-01-02T03:04:05.1234567+00:00","writer":"remote","offset":4096,"bytes":"7F00180018000A00050000000000000001000000000000000000000000040035","descriptor":{"value":"0x0018007F","link_state":1,"link_state_ack":1,"ch_state":1,"ch_state_ack":1,"tx":1,"tx_ack":1,"rx_done":1,"rx_done_ack":0,"frag_size":24,"rem_frag_count":0}}""",
            MailboxTraceFile.Format(write, 42));
    }

    [Fact]
    public void Format_CountdownFragment_DecodesRemFragCount()
    {
        var write = new QmpMailboxWrite(s_time, QmpRole.Local, 0, Mailbox("1F0018FF"));

        using JsonDocument line = JsonDocument.Parse(MailboxTraceFile.Format(write, 1));

        JsonElement descriptor = line.RootElement.GetProperty("descriptor");
        Assert.Equal("0xFF18001F", descriptor.GetProperty("value").GetString());
        Assert.Equal(255, descriptor.GetProperty("rem_frag_count").GetInt32());
        Assert.Equal(24, descriptor.GetProperty("frag_size").GetInt32());
    }

    [Fact]
    public async Task SaveAsync_WritesEveryRecordedWriteInOrder_NumberedFromZero()
    {
        var file = new MailboxTraceFile();
        file.Record(new QmpMailboxWrite(s_time, QmpRole.Local, 0, Mailbox("01000000")));
        file.Record(new QmpMailboxWrite(s_time.AddTicks(1), QmpRole.Remote, 0x1000, Mailbox("03000000")));
        file.Record(new QmpMailboxWrite(s_time.AddTicks(2), QmpRole.Local, 0, Mailbox("07000000")));
        string path = Path.Combine(_directory, "wire.jsonl");

        int written = await file.SaveAsync(path, Ct);

        string[] lines = await File.ReadAllLinesAsync(path, Ct);
        Assert.Equal(3, written);
        Assert.Equal(
            ["0 local 0x00000001", "1 remote 0x00000003", "2 local 0x00000007"],
            lines.Select(l =>
            {
                using JsonDocument d = JsonDocument.Parse(l);
                return $"{d.RootElement.GetProperty("seq").GetInt64()} {d.RootElement.GetProperty("writer").GetString()} {d.RootElement.GetProperty("descriptor").GetProperty("value").GetString()}";
            }));
        Assert.Equal(0, file.Dropped);
    }
}
