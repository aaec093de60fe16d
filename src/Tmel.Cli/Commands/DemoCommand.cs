using System.CommandLine;

namespace Tmel.Cli.Commands;

/// <summary><c>tmel demo</c>: the whole stack against the built-in simulator, with a transcript.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the transcript as JSON lines, one object per event." };
        var trace = new Option<FileInfo?>("--mailbox-trace") { Description = "Write every mailbox write of both sides to this file, as JSON lines." };
        var connect = new Option<DirectoryInfo?>("--connect") { Description = "Attach to a running 'tmel simulator --dir DIR' instead of the in-memory simulator (as subsystem apps)." };
        var process = new Option<bool>("--simulator-process") { Description = "Start 'tmel simulator' in a temporary directory, attach to it, and stop it at the end." };
        var keys = new Option<DirectoryInfo?>("--keys") { Description = "Sign with this identity ('tmel image keys') instead of a fresh one; with --connect, the one the simulator's --keys trusts." };
        var timeout = TimeoutOption.Create("Give up if the demo has not finished within this time (for example 00:00:30).", TimeSpan.FromSeconds(30));

        var command = new Command("demo", "Start a host with the in-memory TME-L simulator (or attach to a simulator process), bring the QMP link up, exercise every service, and print a transcript.")
        {
            json,
            trace,
            connect,
            process,
            keys,
            timeout,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(connect) is not null && result.GetValue(process))
            {
                result.AddError("--connect and --simulator-process exclude each other: attach to a running simulator, or start one.");
            }
        });

        // Settings for the host pass through as configuration: --Tmel:Qmp:FragmentTimeout=00:00:02, --Logging:LogLevel:Default=Information.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
        {
            TextWriter error = parse.InvocationConfiguration.Error;
            string[] hostArgs = [.. parse.UnmatchedTokens];
            string? unknown = hostArgs.FirstOrDefault(a => !IsConfigurationArgument(a));
            if (unknown is not null)
            {
                return CliErrors.UsageAsync(error, [$"unrecognized argument '{unknown}' (host settings look like --Tmel:Section:Name=value)."]);
            }

            var settings = new DemoSettings(
                parse.GetValue(json),
                parse.GetValue(trace)?.FullName,
                parse.GetValue(timeout),
                hostArgs,
                parse.GetValue(connect)?.FullName,
                parse.GetValue(process),
                parse.GetValue(keys)?.FullName);
            TextWriter output = parse.InvocationConfiguration.Output;
            return CliErrors.RunAsync(error, () => new DemoRunner(settings, output).RunAsync(cancellationToken), cancellationToken);
        });
        return command;
    }

    private static bool IsConfigurationArgument(string argument) =>
        (argument.StartsWith("--Tmel:", StringComparison.OrdinalIgnoreCase) || argument.StartsWith("--Logging:", StringComparison.OrdinalIgnoreCase))
        && argument.Contains('=', StringComparison.Ordinal);
}
