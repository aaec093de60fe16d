using System.Text.Json;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Commands;

/// <summary>
/// <c>tmel simulator</c> and the demo against it: the one two-process run here (<c>demo --simulator-process</c>, bounded by
/// its --timeout, its child stopped with SIGTERM and its directory removed), and the errors that need no second process.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SimulatorCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-sc-" + Guid.NewGuid().ToString("N")[..8]);

    public SimulatorCommandTests() => Directory.CreateDirectory(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Demo_SimulatorProcess_EveryStepSucceedsAcrossTwoProcesses_AndTheSimulatorStopsOnSigterm()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--json", "--simulator-process", "--timeout", "00:00:25");

        Assert.True(exitCode == 0, error + output);
        List<JsonElement> lines = [.. Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
        ILookup<string, JsonElement> byType = lines.ToLookup(l => l.GetProperty("type").GetString()!);
        string header = Assert.Single(byType["start"]).GetProperty("text").GetString()!;
        Assert.Contains("in its own process", header, StringComparison.Ordinal);
        Assert.Equal(["tmel-attest", "tmel-crypto", "tmel-device", "tmel-echo", "tmel-image-auth"], byType["channel"].Select(c => c.GetProperty("name").GetString()).Order());
        Assert.Equal(
            ["echo 1 B", "echo 24 B", "echo 25 B", "echo 6144 B", "image sign", "image tampered", "image authenticate", "attest key", "attest", "image tear down", "device fuses", "device state", "crypto key", "crypto sign", "crypto export refused", "crypto aes-gcm", "crypto random"],
            byType["request"].Select(r => r.GetProperty("step").GetString()));
        Assert.All(byType["request"], r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
        JsonElement simulator = Assert.Single(byType["simulator"]);
        Assert.Equal(0, simulator.GetProperty("exitCode").GetInt32());

        // The temporary directory (window, sram, sockets, keys) is gone with the simulator.
        string directory = header[(header.IndexOf("window in ", StringComparison.Ordinal) + "window in ".Length)..header.IndexOf(')', StringComparison.Ordinal)];
        Assert.False(Directory.Exists(directory), directory);
    }

    [Fact]
    public async Task Bench_SimulatorProcess_MeasuresEchoAndOneWayAgainstTheirRawTwoProcessBaselines_AndIdleCpu()
    {
        (int exitCode, string output, string error) = await RunAsync("bench", "--simulator-process", "--json");

        Assert.True(exitCode == 0, error + output);
        List<JsonElement> lines = [.. Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
        JsonElement[] roundTrip = [.. lines.Where(l => l.GetProperty("group").GetString() == "process round trip 24 B")];
        Assert.Equal(["raw 32 B ping-pong", "process echo"], roundTrip.Select(r => r.GetProperty("name").GetString()));
        Assert.All(roundTrip, r => Assert.Equal("raw 32 B ping-pong", r.GetProperty("baseline").GetString()));
        Assert.All(roundTrip, r => Assert.Equal("process", r.GetProperty("transport").GetString()));
        Assert.True(roundTrip[0].GetProperty("isBaseline").GetBoolean());
        Assert.Equal(1.0, roundTrip[0].GetProperty("ratio").GetDouble());
        Assert.True(roundTrip[1].GetProperty("ratio").GetDouble() > 0);
        Assert.True(roundTrip[1].GetProperty("operations").GetInt64() > 0);
        JsonElement[] oneWay = [.. lines.Where(l => l.GetProperty("group").GetString() == "process one way 24 B")];
        Assert.Equal(["raw 24 B one way", "process one way"], oneWay.Select(r => r.GetProperty("name").GetString()));
        Assert.All(oneWay, r => Assert.Equal("raw 24 B one way", r.GetProperty("baseline").GetString()));
        Assert.All(oneWay, r => Assert.Equal("process", r.GetProperty("transport").GetString()));
        Assert.All(oneWay, r => Assert.Equal(24, r.GetProperty("payloadBytes").GetInt32()));
        Assert.All(oneWay, r => Assert.True(r.GetProperty("operations").GetInt64() > 0));
        Assert.True(oneWay[0].GetProperty("isBaseline").GetBoolean());
        Assert.Equal(1.0, oneWay[0].GetProperty("ratio").GetDouble());
        Assert.False(oneWay[1].GetProperty("isBaseline").GetBoolean());
        Assert.Equal("paired", oneWay[1].GetProperty("ratioMethod").GetString());
        Assert.True(oneWay[1].GetProperty("ratio").GetDouble() > 0);
        Assert.True(oneWay[1].GetProperty("pairs").GetInt32() > 0);
        JsonElement idle = Assert.Single(lines, l => l.GetProperty("group").GetString() == "idle");
        Assert.True(idle.GetProperty("clientCpuPercent").GetDouble() >= 0);
        Assert.True(idle.GetProperty("simulatorCpuPercent").GetDouble() >= 0);
    }

    [Fact]
    public async Task Bench_ConnectToASimulatorWithoutARawEcho_IsAUsageErrorSayingHowToStartIt()
    {
        using QmpProcessDirectory simulator = QmpProcessDirectory.Create(_directory, ["apps"]);

        (int exitCode, _, string error) = await RunAsync("bench", "--connect", _directory);

        Assert.Equal(2, exitCode);
        Assert.Contains("--raw-echo raw", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_ConnectToADirectoryWithoutASimulator_FailsNamingLayoutJson()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--connect", _directory, "--timeout", "00:00:10");

        Assert.Equal(1, exitCode);
        Assert.Contains(Path.Combine(_directory, "layout.json") + ": it does not exist", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_ConnectAndSimulatorProcessTogether_IsAUsageError()
    {
        (int exitCode, _, string error) = await RunAsync("demo", "--connect", _directory, "--simulator-process");

        Assert.Equal(2, exitCode);
        Assert.Contains("exclude each other", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulator_SecondOnTheSameDirectory_ExitsOneNamingTheLock()
    {
        using QmpProcessDirectory first = QmpProcessDirectory.Create(_directory, ["apps"]);

        (int exitCode, string output, string error) = await RunAsync("simulator", "--dir", _directory);

        Assert.Equal((1, string.Empty), (exitCode, output));
        string line = Assert.Single(Lines(error));
        Assert.StartsWith($"tmel: {Path.Combine(_directory, "simulator.lock")}: another simulator holds it (pid {Environment.ProcessId}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--subsystem", "APPS", "is not 1-32 of [a-z0-9_-]")]
    [InlineData("--subsystem", "../x", "is not 1-32 of [a-z0-9_-]")]
    [InlineData("--sram-size", "12", "--sram-size: 12 is not a multiple of 8")]
    [InlineData("--sram-bus-address", "0", "--sram-bus-address: 0x00000000 must be")]
    public async Task Simulator_BadOption_IsAUsageErrorNamingIt(string option, string value, string message)
    {
        (int exitCode, _, string error) = await RunAsync("simulator", "--dir", _directory, option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "layout.json")));
    }

    [Fact]
    public async Task Simulator_SameSubsystemTwice_IsAUsageError()
    {
        (int exitCode, _, string error) = await RunAsync("simulator", "--dir", _directory, "--subsystem", "apps", "--subsystem", "apps");

        Assert.Equal(2, exitCode);
        Assert.Contains("named twice", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
