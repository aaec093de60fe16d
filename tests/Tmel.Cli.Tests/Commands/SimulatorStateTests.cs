using Tmel.Simulator;
using Tmel.Transport.Qmp;

namespace Tmel.Cli.Tests.Commands;

/// <summary><c>tmel simulator --state</c>: the state directory of the one device all subsystems share.</summary>
public sealed class SimulatorStateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tmel-st-" + Guid.NewGuid().ToString("N")[..8]);

    public SimulatorStateTests() => Directory.CreateDirectory(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string State => Path.Combine(_directory, "state");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Simulator_StateDirectoryHeldByAnotherDevice_ExitsOneNamingItsLock_AndReleasesTheDirectory()
    {
        (QmpInMemoryMailbox _, QmpInMemoryMailbox tme) = QmpInMemoryMailbox.CreatePair();
        await using var holder = new TmelSimulator(tme, new TmelSimulatorOptions { StateDirectory = State });
        string served = Path.Combine(_directory, "dir");

        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(["simulator", "--dir", served, "--state", State], output, error, Ct);

        Assert.Equal((1, string.Empty), (exitCode, output.ToString()));
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"tmel: {Path.Combine(State, "device.lock")}: another simulator holds it (pid {Environment.ProcessId})", line, StringComparison.Ordinal);
        using QmpProcessDirectory released = QmpProcessDirectory.Create(served, ["apps"]);                 // the failed start let go of --dir
    }
}
