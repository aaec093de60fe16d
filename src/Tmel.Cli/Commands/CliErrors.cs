namespace Tmel.Cli.Commands;

/// <summary>Runs a command's work and turns a failure into one line on standard error and a non-zero exit code.</summary>
/// <remarks>Exit codes: 0 success; <see cref="Failed"/> (1) a run that failed; <see cref="Usage"/> (2) a usage error. docs/cli.md lists them.</remarks>
internal static class CliErrors
{
    /// <summary>Exit code of a run that failed: a file that cannot be read, an image rejected, a demo step that failed, a timeout.</summary>
    public const int Failed = 1;

    /// <summary>Exit code of a usage error: a command-line option or argument, or a <c>Tmel:</c> setting, that is unknown or out of range.</summary>
    public const int Usage = 2;

    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (TmelUsageException ex)
        {
            return await UsageAsync(error, ex.Problems).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("tmel: cancelled.").ConfigureAwait(false);
            return Failed;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"tmel: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>Writes each problem as one <c>tmel: </c> line on standard error; returns <see cref="Usage"/>.</summary>
    public static async Task<int> UsageAsync(TextWriter error, IEnumerable<string> problems)
    {
        foreach (string problem in problems)
        {
            await error.WriteLineAsync($"tmel: {OneLine(problem)}").ConfigureAwait(false);
        }

        return Usage;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
