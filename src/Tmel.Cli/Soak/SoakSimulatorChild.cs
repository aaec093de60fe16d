using System.Globalization;
using Tmel.Cli.Commands;

namespace Tmel.Cli.Soak;

/// <summary>
/// The <c>tmel simulator --soak-echo N</c> process a soak owns (<c>--simulator-process</c>, <c>--kill-simulator-every</c>): in a
/// temporary directory, killed (SIGKILL) and started again on the same directory on demand; at the end stopped (SIGTERM, or
/// SIGKILL when the run was cancelled, so Ctrl+C cleans up within the command line's grace) and the directory removed.
/// </summary>
internal sealed class SoakSimulatorChild : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly string[] _arguments;
    private SimulatorProcess? _process;

    private SoakSimulatorChild(string directory, IEnumerable<string> arguments)
    {
        Directory = directory;
        _arguments = ["--dir", directory, .. arguments];
    }

    public string Directory { get; }

    /// <summary>Starts <c>tmel simulator --soak-echo</c> with the soak's services and link timeouts, in a new temporary directory.</summary>
    public static async Task<SoakSimulatorChild> StartAsync(SoakSettings settings, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tmel-soak-" + Guid.NewGuid().ToString("N")[..8]);
        var child = new SoakSimulatorChild(directory, [
            "--soak-echo", settings.Services.ToString(CultureInfo.InvariantCulture),
            "--fragment-timeout", settings.FragmentTimeout.ToString("c", CultureInfo.InvariantCulture),
            "--consume-timeout", settings.ConsumeTimeout.ToString("c", CultureInfo.InvariantCulture)]);
        try
        {
            await child.LaunchAsync(cancellationToken).ConfigureAwait(false);
            return child;
        }
        catch
        {
            await child.DisposeAsync(graceful: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the simulator at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            await process.KillAsync().ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }

    /// <summary>Starts a new simulator on the same directory and waits (bounded) for its serving line.</summary>
    /// <exception cref="InvalidOperationException">It exited before it was ready.</exception>
    /// <exception cref="TimeoutException">It was not ready within 30 s.</exception>
    public Task LaunchAsync(CancellationToken cancellationToken) => LaunchCoreAsync(cancellationToken);

    public ValueTask DisposeAsync() => DisposeAsync(graceful: true);

    /// <summary>Stops the simulator (SIGTERM with a 2 s grace when <paramref name="graceful"/>, else SIGKILL) and removes the directory.</summary>
    public async ValueTask DisposeAsync(bool graceful)
    {
        try
        {
            if (_process is { } process)
            {
                if (graceful)
                {
                    _ = await process.StopAsync(TimeSpan.FromSeconds(2), TimeProvider.System).ConfigureAwait(false);
                }
                else
                {
                    await process.KillAsync().ConfigureAwait(false);
                }

                await process.DisposeAsync().ConfigureAwait(false);
                _process = null;
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private async Task LaunchCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("The soak's simulator is still running.");
        }

        _process = await SimulatorProcess.StartAsync(
            _arguments,
            s_startTimeout,
            TimeProvider.System,
            cancellationToken).ConfigureAwait(false);
    }
}
