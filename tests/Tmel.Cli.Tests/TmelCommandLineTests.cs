namespace Tmel.Cli.Tests;

public class TmelCommandLineTests
{
    [Fact]
    public async Task InvokeAsync_Help_PrintsUsageAndSucceeds()
    {
        StringWriter output = new();
        StringWriter error = new();

        int exitCode = await TmelCommandLine.InvokeAsync(["--help"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task InvokeAsync_UnknownCommand_OneErrorLine_ExitCode2()
    {
        StringWriter output = new();
        StringWriter error = new();

        int exitCode = await TmelCommandLine.InvokeAsync(["no-such-command"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal((2, string.Empty), (exitCode, output.ToString()));
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tmel: ", line, StringComparison.Ordinal);
        Assert.Contains("no-such-command", line, StringComparison.Ordinal);
    }
}
