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
            SimulatorCommand.Create(),
            ImageCommand.Create(),
            AttestCommand.Create(),
            DeviceCommand.Create(),
            Commands.Crypto.CryptoCommand.Create(),
            ScribbleCommand.Create(),
            SoakCommand.Create(),
        };

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ParseResult parse = CreateRootCommand().Parse(args);

        // A usage error is one line per problem and exit code 2, like a bad setting (CliErrors), not the parser's help screen.
        // An unrecognized token also leaves its command "not provided"; the token is the cause, so only its error is shown.
        if (parse.Errors.Count > 0)
        {
            string[] unrecognized = [.. parse.Errors.Select(e => e.Message).Where(m => parse.UnmatchedTokens.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal)))];
            return await CliErrors.UsageAsync(error, unrecognized.Length > 0 ? unrecognized : parse.Errors.Select(e => e.Message)).ConfigureAwait(false);
        }

        // tmel simulator leaves Ctrl+C and SIGTERM to its host's console lifetime, which stops it gracefully (services
        // withdrawn, links down) however long that takes; the parser's own handling would end the process after 2 s.
        InvocationConfiguration configuration = new()
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == SimulatorCommand.Name ? null : TimeSpan.FromSeconds(2),
        };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
