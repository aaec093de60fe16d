using System.CommandLine;
using Tmel.Cli.Commands;

namespace Tmel.Cli;

/// <summary>The <c>tmel</c> command tree and its entry point, with output streams injectable for tests.</summary>
internal static class TmelCommandLine
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand CreateRootCommand() =>
        new("tmel: talk to the (simulated) TME-L over rpmsg on QMP.")
        {
            DemoCommand.Create(),
            BenchCommand.Create(),
            ImageCommand.Create(),
        };

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ParseResult parse = CreateRootCommand().Parse(args);
        InvocationConfiguration configuration = new() { Output = output, Error = error };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
