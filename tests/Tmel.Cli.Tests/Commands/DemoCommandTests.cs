using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Tmel.Cli.Tests.Commands;

/// <summary><c>tmel demo</c> end to end through <see cref="TmelCommandLine.InvokeAsync"/>: the transcript in both forms, the
/// mailbox trace file, and bad arguments. The demos run one after another (one class), so each host's spans are its own.</summary>
[Collection(DemoCollection.Name)]
public sealed class DemoCommandTests : IDisposable
{
    private static readonly int[] s_echoSizes = [1, 24, 25, 6144];
    private static readonly string[] s_imageSteps = ["image sign", "image tampered", "image authenticate", "attest key", "attest", "image tear down", "device fuses", "device state", "crypto key", "crypto sign", "crypto export refused", "crypto aes-gcm", "crypto random"];
    private readonly string _directory = Directory.CreateTempSubdirectory("tmel-demo-tests-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Demo_Json_ExitsZero_EveryLineIsJsonWithAType_AndEveryStepIsThere()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--json");

        Assert.True(exitCode == 0, error + output);
        List<JsonElement> lines = [.. Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
        Assert.All(lines, line => Assert.Equal(JsonValueKind.String, line.GetProperty("type").ValueKind));
        ILookup<string, JsonElement> byType = lines.ToLookup(l => l.GetProperty("type").GetString()!);

        Assert.Equal("start", lines[0].GetProperty("type").GetString());
        Assert.Contains(byType["link"], l => l.GetProperty("role").GetString() == "local" && l.GetProperty("to").GetString() == "ChannelConnected");
        Assert.Contains(byType["link"], l => l.GetProperty("role").GetString() == "remote" && l.GetProperty("to").GetString() == "ChannelConnected");
        Assert.Contains(byType["link"], l => l.GetProperty("role").GetString() == "local" && l.GetProperty("from").GetString() == "LocalDisconnecting" && l.GetProperty("to").GetString() == "LinkConnected");
        Assert.Equal(["tmel-attest", "tmel-crypto", "tmel-device", "tmel-echo", "tmel-image-auth"], byType["channel"].Select(c => c.GetProperty("name").GetString()).Order());

        Assert.Equal([.. s_echoSizes.Select(s => $"echo {s} B"), .. s_imageSteps], byType["request"].Select(r => r.GetProperty("step").GetString()));
        Assert.All(byType["request"], r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
        Assert.Contains("extended error 0x0A0", byType["request"].Single(r => r.GetProperty("step").GetString() == "image tampered").GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("status 0, entry 0x", byType["request"].Single(r => r.GetProperty("step").GetString() == "image authenticate").GetProperty("response").GetString(), StringComparison.Ordinal);
        foreach ((JsonElement request, int size) in byType["request"].Zip(s_echoSizes))
        {
            Assert.True(request.GetProperty("ok").GetBoolean(), request.ToString());
            Assert.Equal($"{size} B", request.GetProperty("request").GetString());
            Assert.Equal($"{size} B", request.GetProperty("response").GetString());
            Assert.True(request.GetProperty("elapsedMs").GetDouble() >= 0);
        }

        Assert.True(Assert.Single(byType["shutdown"]).GetProperty("ok").GetBoolean());

        List<JsonElement> traces = [.. byType["trace"]];
        Assert.Equal([.. s_echoSizes.Select(s => $"echo {s} B"), .. s_imageSteps.Skip(1)], traces.Select(t => t.GetProperty("step").GetString()));
        Assert.All(traces.Take(s_echoSizes.Length), t =>
        {
            Assert.Matches("^[0-9a-f]{32}$", t.GetProperty("traceId").GetString());
            Assert.True(t.GetProperty("spanCount").GetInt32() >= 4);
            Assert.Equal(t.GetProperty("spanCount").GetInt32(), t.GetProperty("spans").GetArrayLength());
            string[] spans = [.. t.GetProperty("spans").EnumerateArray().Select(s => s.GetString()!)];
            Assert.Contains("send tmel-echo [producer]", spans);
            Assert.Contains("process tmel-echo [consumer]", spans);
            Assert.Contains("sendto tmel-echo [producer]", spans);
            Assert.Contains("receive tmel-echo [client]", spans);
        });
        Assert.Equal(traces.Count, traces.Select(t => t.GetProperty("traceId").GetString()).Distinct().Count());

        JsonElement result = lines[^1];
        Assert.Equal("result", result.GetProperty("type").GetString());
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(0, result.GetProperty("failed").GetInt32());
        Assert.All(traces.Skip(s_echoSizes.Length), t =>
        {
            string step = t.GetProperty("step").GetString()!;
            string channel = step.Split(' ')[0] switch { "image" => "tmel-image-auth", "attest" => "tmel-attest", "crypto" => "tmel-crypto", _ => "tmel-device" };
            Assert.Contains($"process {channel} [consumer]", t.GetProperty("spans").EnumerateArray().Select(s => s.GetString()));
        });
        string attest = byType["request"].Single(r => r.GetProperty("step").GetString() == "attest").GetProperty("detail").GetString()!;
        Assert.Contains("SW_ID_0x", attest, StringComparison.Ordinal);
        Assert.Equal(s_echoSizes.Length + s_imageSteps.Length + 1, result.GetProperty("steps").GetInt32());
        Assert.Empty(byType["error"]);
    }

    [Fact]
    public async Task Demo_Text_ExitsZero_WithTheSameSteps()
    {
        (int exitCode, string output, string error) = await RunAsync("demo");

        Assert.True(exitCode == 0, error + output);
        string[] lines = Lines(output);
        Assert.StartsWith("tmel demo: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("link ", StringComparison.Ordinal) && l.Contains("-> ChannelConnected", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("channel   tmel-echo", StringComparison.Ordinal));
        foreach (int size in s_echoSizes)
        {
            Assert.Single(lines, l => l.StartsWith($"request   echo {size} B ", StringComparison.Ordinal) && l.Contains($"{size} B -> {size} B  ok", StringComparison.Ordinal));
            Assert.Single(lines, l => l.StartsWith($"trace     echo {size} B ", StringComparison.Ordinal));
        }

        Assert.Single(lines, l => l.StartsWith("shutdown  ", StringComparison.Ordinal) && l.Contains("  ok  ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("request   image authenticate ", StringComparison.Ordinal) && l.Contains("  ok  ", StringComparison.Ordinal));
        Assert.Equal($"result    ok: all {s_echoSizes.Length + s_imageSteps.Length + 1} steps succeeded", lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith('{'));
    }

    [Fact]
    public async Task Demo_MailboxTrace_WritesJsonLinesInOrder_BringUpAsTheRfc_DescriptorIsTheFirstFourBytes()
    {
        string path = Path.Combine(_directory, "wire.jsonl");

        (int exitCode, _, string error) = await RunAsync("demo", "--json", "--mailbox-trace", path);

        Assert.True(exitCode == 0, error);
        List<JsonElement> writes = [.. (await File.ReadAllLinesAsync(path, Ct)).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
        Assert.True(writes.Count > 5 + (s_echoSizes.Sum(s => (s + 23) / 24) * 2));
        for (int i = 0; i < writes.Count; i++)
        {
            JsonElement write = writes[i];
            Assert.Equal(i, write.GetProperty("seq").GetInt64());
            string writer = write.GetProperty("writer").GetString()!;
            Assert.Equal(writer == "local" ? 0 : writer == "remote" ? 4096 : -1, write.GetProperty("offset").GetInt32());
            string bytes = write.GetProperty("bytes").GetString()!;
            Assert.Matches("^[0-9A-F]{64}$", bytes);
            Assert.True(DateTimeOffset.TryParse(write.GetProperty("time").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _));
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(Convert.FromHexString(bytes.AsSpan(0, 8)));
            JsonElement descriptor = write.GetProperty("descriptor");
            Assert.Equal($"0x{value:X8}", descriptor.GetProperty("value").GetString());
            Assert.Equal((int)(value & 1), descriptor.GetProperty("link_state").GetInt32());
            Assert.Equal((int)((value >> 2) & 1), descriptor.GetProperty("ch_state").GetInt32());
            Assert.Equal((int)((value >> 4) & 1), descriptor.GetProperty("tx").GetInt32());
            Assert.Equal((int)((value >> 16) & 0xFF), descriptor.GetProperty("frag_size").GetInt32());
            Assert.Equal((int)(value >> 24), descriptor.GetProperty("rem_frag_count").GetInt32());
        }

        // qmp-rfc.md §8 rows 1–6: row 3 is RAM only; row 4's write carries the link ack with the channel open.
        Assert.Equal(
            ["local 0x00000001", "remote 0x00000003", "local 0x00000007", "remote 0x0000000F", "local 0x0000000F"],
            writes.Take(5).Select(w => $"{w.GetProperty("writer").GetString()} {w.GetProperty("descriptor").GetProperty("value").GetString()}"));
        Assert.Equal("0x00000000", writes.Last(w => w.GetProperty("writer").GetString() == "local").GetProperty("descriptor").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Demo_MailboxTraceInAMissingFolder_FailsWithOneErrorLine()
    {
        string path = Path.Combine(_directory, "no-such-folder", "wire.jsonl");

        (int exitCode, _, string error) = await RunAsync("demo", "--json", "--mailbox-trace", path);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("tmel: ", error, StringComparison.Ordinal);
        Assert.Single(Lines(error));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "-5")]
    [InlineData("--timeout", "00:00:00")]
    [InlineData("--timeout", "notatime")]
    [InlineData("--bogus")]
    [InlineData("--json", "extra")]
    public async Task Demo_BadArguments_FailWithAnErrorAndNoStackTrace(params string[] arguments)
    {
        (int exitCode, string output, string error) = await RunAsync(["demo", .. arguments]);

        Assert.NotEqual(0, exitCode);
        Assert.NotEqual(string.Empty, error.Trim());
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
        Assert.DoesNotContain("tmel demo: ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("-5")]
    [InlineData("00:00:00")]
    [InlineData("02:00:00")]
    [InlineData("notatime")]
    public async Task Demo_TimeoutOutOfRangeOrNotATime_OneLineNamingTheOptionAndTheRange_ExitCode2(string value)
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--timeout", value);

        Assert.Equal((2, string.Empty), (exitCode, output));
        string line = Assert.Single(Lines(error));
        Assert.StartsWith("tmel: --timeout: ", line, StringComparison.Ordinal);
        Assert.EndsWith("accepted from 00:00:00.001 to 01:00:00.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_Help_ListsTheOptions_AndRunsNothing()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--help");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        Assert.Contains(" demo [options]", output, StringComparison.Ordinal);
        Assert.Contains("--json", output, StringComparison.Ordinal);
        Assert.Contains("--mailbox-trace", output, StringComparison.Ordinal);
        Assert.Contains("--timeout", output, StringComparison.Ordinal);
        Assert.DoesNotContain("tmel demo: ", output, StringComparison.Ordinal);
    }
}
