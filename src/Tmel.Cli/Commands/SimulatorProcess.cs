using System.Diagnostics;

namespace Tmel.Cli.Commands;

/// <summary>
/// A <c>tmel simulator</c> child process: started with this tmel's own executable, ready once it printed its serving line,
/// stopped with SIGTERM (graceful) and, if it does not exit in time, killed. Its standard error is kept for the error message.
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    /// <summary>The most standard output lines kept.</summary>
    public const int MaxOutputLines = 100_000;

    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly Lock _stderrLock = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _stderrWaiters = [];
    private readonly List<string> _stdout = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _stdoutWaiters = [];

    private SimulatorProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>tmel simulator</c> with <paramref name="arguments"/> and waits for its serving line.</summary>
    /// <exception cref="InvalidOperationException">It exited before it was ready; the message holds its standard error.</exception>
    /// <exception cref="TimeoutException">It was not ready within <paramref name="timeout"/>.</exception>
    public static async Task<SimulatorProcess> StartAsync(IEnumerable<string> arguments, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ProcessStartInfo start = TmelExecutable.StartInfo([SimulatorCommand.Name, .. arguments]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new SimulatorProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith(SimulatorCommand.ReadyPrefix, StringComparison.Ordinal))
            {
                child._ready.TrySetResult(e.Data);
            }

            lock (child._stderrLock)
            {
                if (child._stdout.Count < MaxOutputLines)
                {
                    child._stdout.Add(e.Data);
                }

                child._stdoutWaiters.RemoveAll(w => w.Match(e.Data) && w.Seen.TrySetResult());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderrLock)
                {
                    if (child._stderr.Length < 4096)
                    {
                        child._stderr.AppendLine(e.Data);
                    }

                    child._stderrWaiters.RemoveAll(w => e.Data.Contains(w.Text, StringComparison.Ordinal) && w.Seen.TrySetResult());
                }
            }
        };
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"tmel simulator exited with code {process.ExitCode} before it was ready: {child.StandardError.Trim()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child._ready.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return child;
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderrLock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Gets the lines it wrote on standard output so far (its serving line, and the console exporter's telemetry when
    /// it was started with <c>--Tmel:Telemetry:Exporter=console</c>); the first <see cref="MaxOutputLines"/> are kept.</summary>
    public IReadOnlyList<string> StandardOutputLines
    {
        get
        {
            lock (_stderrLock)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Waits until a line of its standard output matches <paramref name="match"/> (lines already written count).</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public Task WaitForStandardOutputAsync(Func<string, bool> match, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderrLock)
        {
            if (_stdout.Any(match))
            {
                return Task.CompletedTask;
            }

            _stdoutWaiters.Add((match, seen));
        }

        return seen.Task.WaitAsync(timeout, time, cancellationToken);
    }

    /// <summary>Waits until a line of its standard error (its log) contains <paramref name="text"/>; lines written before this call do not count.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public Task WaitForStandardErrorAsync(string text, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderrLock)
        {
            _stderrWaiters.Add((text, seen));
        }

        return seen.Task.WaitAsync(timeout, time, cancellationToken);
    }

    /// <summary>Asks it to stop (SIGTERM) and waits up to <paramref name="grace"/>; kills it after that. Returns its exit code, or null if it had to be killed.</summary>
    public async Task<int?> StopAsync(TimeSpan grace, TimeProvider time)
    {
        if (!_process.HasExited && PosixSignal.Terminate(_process.Id))
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(grace, time).ConfigureAwait(false);
                return _process.ExitCode;
            }
            catch (TimeoutException)
            {
            }
        }

        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Kills it at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5), TimeProvider.System).ConfigureAwait(false);
        _process.Dispose();
    }
}
