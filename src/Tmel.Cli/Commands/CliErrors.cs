namespace Tmel.Cli.Commands;

/// <summary>Runs a command's work and turns a failure into one line on standard error and a non-zero exit code.</summary>
internal static class CliErrors
{
    /// <summary>Exit code of a run that failed for a reason the user can act on (bad input, a file, the service's answer).</summary>
    public const int Failed = 1;

    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
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

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
