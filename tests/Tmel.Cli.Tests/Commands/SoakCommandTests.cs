namespace Tmel.Cli.Tests.Commands;

/// <summary><c>tmel soak</c>'s usage errors for the simulator in its own process: one clear line each, exit code 2, nothing started.</summary>
public sealed class SoakCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--kill-simulator-every needs a simulator process the soak owns", "--connect", "/tmp/tmel-soak-none", "--kill-simulator-every", "00:00:05")]
    [InlineData("--kill-simulator-every must be from 00:00:00.100 to 1 day.", "--kill-simulator-every", "00:00:00")]
    [InlineData("--kill-simulator-every must be from 00:00:00.100 to 1 day.", "--kill-simulator-every=-00:00:05")]
    [InlineData("--connect and --simulator-process exclude each other", "--connect", "/tmp/tmel-soak-none", "--simulator-process")]
    [InlineData("only the client's mailbox can be injected", "--simulator-process", "--faults-on", "simulator")]
    [InlineData("--simulator-kills must be from 1 to 100000, with --kill-simulator-every.", "--simulator-kills", "3")]
    [InlineData("--simulator-kills must be from 1 to 100000, with --kill-simulator-every.", "--kill-simulator-every", "00:00:05", "--simulator-kills", "0")]
    public async Task Soak_SimulatorProcessOptionsThatDoNotFit_OneLineExitCode2(string message, params string[] options)
    {
        (int exitCode, string output, string error) = await RunAsync(["soak", .. options]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("tmel: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--soak-echo: 101 is not from 0 to 100.", "--soak-echo", "101")]
    [InlineData("--soak-echo serves one subsystem", "--soak-echo", "2", "--raw-echo", "raw")]
    [InlineData("--fragment-timeout must be from 00:00:00.001 to 00:01:00.", "--fragment-timeout", "00:00:00")]
    public async Task Simulator_SoakEchoOptionsThatDoNotFit_OneLineExitCode2(string message, params string[] options)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tmel-soak-usage-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            (int exitCode, _, string error) = await RunAsync(["simulator", "--dir", directory, .. options]);

            Assert.Equal(2, exitCode);
            Assert.Contains(message, error, StringComparison.Ordinal);
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Soak_ConnectToADirectoryWithoutASimulator_FailsInOneLineNamingLayoutJson()
    {
        string directory = Path.Combine(Path.GetTempPath(), "tmel-soak-none-" + Guid.NewGuid().ToString("N")[..8]);

        (int exitCode, _, string error) = await RunAsync(["soak", "--connect", directory, "--messages", "10"]);

        Assert.Equal(1, exitCode);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("layout.json", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}
