using System.CommandLine;

namespace Tmel.Cli;

/// <summary>The <c>tmel</c> command tree and its entry point, with output streams injectable for tests.</summary>
internal static class TmelCommandLine
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand CreateRootCommand() =>
        new("tmel: talk to the (simulated) TME-L over rpmsg on QMP.");

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        ParseResult parse = CreateRootCommand().Parse(args);
        InvocationConfiguration configuration = new() { Output = output, Error = error };
        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }
}
