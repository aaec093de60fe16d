namespace Tmel.Cli.Tests.Commands;

/// <summary>A bad <c>--Tmel:...</c> setting: one line on standard error naming it (and what it accepts), nothing on standard
/// output, exit code 2. In the demo collection: before the fix some of these ran a whole demo.</summary>
[Collection(DemoCollection.Name)]
public sealed class SettingsErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--Tmel:Qmp:FragmentTimeout=-1", "Tmel:Qmp:FragmentTimeout: '-1' ", "00:01:00")]
    [InlineData("--Tmel:Qmp:FragmentTimeout=abc", "Tmel:Qmp:FragmentTimeout: 'abc' ", "00:01:00")]
    [InlineData("--Tmel:Qmp:SharedMemorySize=-1", "Tmel:Qmp:SharedMemorySize: '-1' ", "16777216")]
    [InlineData("--Tmel:Qmp:SharedMemorySize=many", "Tmel:Qmp:SharedMemorySize: 'many' ", "16777216")]
    [InlineData("--Tmel:Qmp:FragmentTimout=abc", "Tmel:Qmp:FragmentTimout: unknown setting", "Tmel:Qmp:FragmentTimeout")]
    [InlineData("--tmel:qmp:fragmenttimout=00:00:01", "tmel:qmp:fragmenttimout: unknown setting", "Tmel:Qmp:FragmentTimeout")]
    [InlineData("--Tmel:Bogus=1", "Tmel:Bogus: unknown setting", "Tmel:")]
    [InlineData("--Tmel:Telemetry:OtlpEndpoint=notauri", "Tmel:Telemetry:OtlpEndpoint: 'notauri' ", "absolute http or https URI")]
    [InlineData("--Tmel:Telemetry:Exporter=bogus", "Tmel:Telemetry:Exporter: 'bogus' ", "None, Console, Otlp")]
    [InlineData("--Tmel:ImageAuth:ResponseTimeout=00:00:00", "Tmel:ImageAuth:ResponseTimeout: '00:00:00' ", "01:00:00")]
    [InlineData("--Tmel:Rpmsg:ReceiveQueueCapacity=0", "Tmel:Rpmsg:ReceiveQueueCapacity: '0' ", "1")]
    public async Task Demo_BadSetting_OneErrorLineNamingIt_NothingOnOutput_ExitCode2(string setting, string expectedStart, string expectedHint)
    {
        (int exitCode, string output, string error) = await RunAsync("demo", setting);

        Assert.Equal((2, string.Empty), (exitCode, output));
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("tmel: " + expectedStart, line, StringComparison.Ordinal);
        Assert.Contains(expectedHint, line[("tmel: " + expectedStart).Length..], StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_TwoBadSettings_OneLineEach()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--Tmel:Qmp:FragmentTimout=1", "--Tmel:Rpmsg:TxTimout=1");

        Assert.Equal((2, string.Empty), (exitCode, output));
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("tmel: Tmel:Qmp:FragmentTimout: ", StringComparison.Ordinal) && l.Contains("Tmel:Qmp:FragmentTimeout", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("tmel: Tmel:Rpmsg:TxTimout: ", StringComparison.Ordinal) && l.Contains("Tmel:Rpmsg:TxTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_UnrecognizedArgument_OneErrorLine_ExitCode2()
    {
        (int exitCode, string output, string error) = await RunAsync("demo", "--bogus");

        Assert.Equal((2, string.Empty), (exitCode, output));
        Assert.StartsWith("tmel: ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exitCode = await TmelCommandLine.InvokeAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}
