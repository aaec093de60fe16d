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
    public async Task InvokeAsync_UnknownCommand_FailsWithOneLineError()
    {
        StringWriter output = new();
        StringWriter error = new();

        int exitCode = await TmelCommandLine.InvokeAsync(["no-such-command"], output, error, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no-such-command", error.ToString(), StringComparison.Ordinal);
    }
}
